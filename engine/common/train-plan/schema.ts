/**
 * `TrainPlan`: the one description of how a model is trained (network, preprocessing, sampling, augmentation,
 * optimizer, schedule, loss, output threshold, post-processing, stages, budget, validation, seeds), in the spirit
 * of nnU-Net's plans. A resolved plan is complete (no defaults hidden in code); a plan FILE, a CLI flag, an API
 * call and the UI form are all `PlanOverride`s — deep partial plans merged onto a base (see merge.ts).
 * Pure zod: the renderer shows and edits plans with the same schema.
 *
 * Units that mean the same with 1 case or 100: an epoch is a fixed number of optimizer steps
 * (`budget.stepsPerEpoch`), never "one pass over the cases"; validation cadence and patience count epochs.
 * 3-vectors (spacing, patch, resizeTo, coarse.spacing) are (x, y, z), the order of `Volume.dims`.
 */
import { z } from 'zod';
import { ModelSpecSchema } from './network.js';

const posInt = z.number().int().positive();
const prob = z.number().min(0).max(1);
/** A [min, max] pair of one kind of number, min ≤ max. */
const rangeOf = (n: z.ZodNumber, name: string) => z.tuple([n, n]).refine(([a, b]) => a <= b, `${name} must be [min, max]`);
export const Size3Schema = z.tuple([posInt, posInt, posInt]);
const spacing3 = z.tuple([z.number().positive().max(50), z.number().positive().max(50), z.number().positive().max(50)]);
/** An intensity amount in scaled units ([0, 1] = the clip window: 0.1 ≈ 60 HU for a 600 HU window), at most 0.5. */
const scaledAmount = z.number().min(0).max(0.5);

/** Appearance of unseen scanners and patients (engine/training/data/augment-appearance.ts says what each does). */
export const AppearanceSchema = z.strictObject({
  gammaProb: prob,
  /** γ is drawn log-uniformly in [1/gammaMax, gammaMax]. */
  gammaMax: z.number().min(1).max(4),
  noiseProb: prob,
  /** Largest σ of additive Gaussian noise (0.02 ≈ 12 HU for a 600 HU window). */
  noiseSigma: scaledAmount,
  lowDoseProb: prob,
  blurProb: prob,
  /** Largest blur σ in voxels. */
  blurSigma: z.number().min(0.5).max(4),
  contrastPhaseProb: prob,
  /** Largest shift of the liver against its surroundings. */
  contrastShift: scaledAmount,
});
export type AppearanceConfig = z.infer<typeof AppearanceSchema>;

/** Synthetic lesions pasted inside the liver and labelled as liver (engine/training/data/synthetic-lesions.ts). */
export const LesionSchema = z.strictObject({
  lesionProb: prob,
  lesionMaxCount: posInt.max(10),
  /** Radius range in voxels of the training grid. */
  lesionRadius: rangeOf(z.number().positive(), 'lesionRadius'),
  /** Share of lesions darker than the liver (most liver tumours are hypodense). */
  lesionHypoShare: prob,
  /** Mean offset range against the liver, in scaled units. */
  lesionContrast: rangeOf(z.number().min(0), 'lesionContrast'),
});
export type LesionConfig = z.infer<typeof LesionSchema>;

/** Elastic deformation, thick slices and a cut axial field of view (engine/training/data/augment-deform.ts). */
export const DeformSchema = z.strictObject({
  elasticProb: prob,
  /** Largest control-point displacement, voxels. */
  elasticMagnitude: z.number().min(0).max(32),
  /** Control points per axis (fewer = smoother). */
  elasticGrid: z.number().int().min(2).max(16),
  thickSliceProb: prob,
  /** Largest simulated slice thickness as a multiple of the z spacing. */
  thickSliceMax: z.number().min(1).max(8),
  fovCutProb: prob,
  /** Largest share of the patch width cut away from one side. */
  fovCutMax: z.number().min(0).max(0.9),
});
export type DeformConfig = z.infer<typeof DeformSchema>;

export const AugmentSchema = z.strictObject({
  /** Probability of flipping along x, y, z (each drawn on its own). */
  flipProb: z.tuple([prob, prob, prob]),
  /** Probability of a 90°·k rotation in the axial (x, y) plane, k in 1..3. */
  rot90Prob: prob,
  /** Probability of multiplying intensities by (1 + u), u uniform in ±intensityScale. */
  intensityScaleProb: prob,
  intensityScale: z.number().min(0),
  /** Probability of adding u, u uniform in ±intensityShift (in scaled units, [0, 1] = clip range). */
  intensityShiftProb: prob,
  intensityShift: z.number().min(0),
  /** Probability of a small affine: rotation about z up to ±rotateDeg and isotropic scale in 1 ± scale. */
  affineProb: prob,
  rotateDeg: z.number().min(0).max(45),
  scale: z.number().min(0).max(0.5),
  /** Probability of keeping only a random z-slab of the patch (≥ slabMin slices), so short scans are learnt too. */
  slabProb: prob,
  slabMin: posInt,
  appearance: AppearanceSchema,
  lesions: LesionSchema,
  deform: DeformSchema,
});
export type AugmentConfig = z.infer<typeof AugmentSchema>;

/** Learning-rate schedules over (fractional) epochs; `poly` and `warmup_cosine` end at the budget's last epoch. */
export const ScheduleSchema = z.discriminatedUnion('kind', [
  /** PyTorch CosineAnnealingWarmRestarts: periods t0, t0·tMult, … epochs (the study: t0 5, tMult 3). */
  z.strictObject({ kind: z.literal('cosine_restarts'), t0: posInt, tMult: posInt, etaMin: z.number().min(0) }),
  /** Polynomial decay to 0 at the last epoch (nnU-Net: power 0.9). */
  z.strictObject({ kind: z.literal('poly'), power: z.number().positive() }),
  /** Linear warm-up from 0 over `warmup` epochs, then half a cosine to etaMin at the last epoch. */
  z.strictObject({ kind: z.literal('warmup_cosine'), warmup: z.number().min(0), etaMin: z.number().min(0) }),
  z.strictObject({ kind: z.literal('constant') }),
]);
export type Schedule = z.infer<typeof ScheduleSchema>;
export type ScheduleKind = Schedule['kind'];

export const OPTIMIZERS = ['novograd', 'adam', 'adamw', 'sgd'] as const;
export const OptimizerSchema = z.strictObject({
  kind: z.enum(OPTIMIZERS),
  lr: z.number().positive().max(10),
  weightDecay: z.number().min(0),
  /** Adam/AdamW/Novograd moment decay rates. */
  betas: z.tuple([z.number().min(0).max(0.9999999), z.number().min(0).max(0.9999999)]),
  /** SGD only (written out so a plan never hides it). */
  momentum: z.number().min(0).max(1),
  nesterov: z.boolean(),
});
export type OptimizerPlan = z.infer<typeof OptimizerSchema>;

export const BudgetSchema = z.strictObject({
  epochs: posInt.max(100000),
  /** Optimizer steps per epoch, whatever the number of cases (nnU-Net: 250). */
  stepsPerEpoch: posInt.max(1000000),
  /** Stop at the first clean step after this many minutes of training (best model kept); null: no time limit. */
  minutes: z.number().positive().max(100000).nullable(),
});
export type Budget = z.infer<typeof BudgetSchema>;

export const ValidationSchema = z.strictObject({
  /** Validate every N epochs, and always after the last step. */
  everyEpochs: posInt,
  /** Stop after this many validations without a better val Dice; 0: never stop early. */
  patience: z.number().int().min(0),
  /** Never stop early before this fraction of the step budget has run (a fair chance, also for fine-tunes). */
  minFraction: prob,
});

export const TrainPlanSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** Free text: what this plan is for. */
  description: z.string(),
  network: ModelSpecSchema,
  /** Output class value → name, e.g. {"1": "liver"}; workspace labels map onto these by name. */
  classes: z.record(z.string().regex(/^([1-9]\d?|1\d\d|2[0-4]\d|25[0-5])$/, 'class values must be 1..255'), z.string().min(1)),
  /** Explicit workspace value → class map (`5:1,*:0`); null: map the workspace's label names to `classes`. */
  labelMap: z.string().nullable(),
  preprocess: z.strictObject({
    /** Target voxel spacing in mm (x, y, z). */
    spacing: spacing3,
    /** Intensity window [a, b] HU, mapped linearly onto [0, 1] and clipped. */
    clip: z.tuple([z.number(), z.number()]).refine(([a, b]) => a < b, 'clip must be [low, high] with low < high'),
  }),
  sampling: z.strictObject({
    /** Training patch, voxels (x, y, z); also the sliding window of validation and inference. */
    patch: Size3Schema,
    batch: posInt.max(64),
    samplesPerVolume: posInt,
    /** Relative weights of patches centred on foreground vs background voxels (MONAI's pos/neg). */
    posNegRatio: z.tuple([z.number().min(0), z.number().min(0)]),
  }),
  augment: AugmentSchema,
  optimizer: OptimizerSchema,
  schedule: ScheduleSchema,
  loss: z.strictObject({
    kind: z.enum(['dice', 'dice_ce']),
    /** Soft Dice over the whole batch (MONAI batch=True): patches without foreground still get a gradient. */
    overBatch: z.boolean(),
  }),
  inference: z.strictObject({
    /** Probability above which a voxel is foreground. */
    threshold: z.number().gt(0).lt(1),
    /** Sliding-window overlap of validation and of the written model card. */
    overlap: z.number().min(0).max(0.9),
    largestComponent: z.boolean(),
    fillHoles: z.boolean(),
  }),
  /** fine: one model at preprocess.spacing; coarse: the ROI model (paired with a fine model); both: the two. */
  stage: z.enum(['fine', 'coarse', 'both']),
  // spacing, overlap and from default to null so that plans recorded before they existed (a package's
  // training.json) still read as what they were.
  coarse: z
    .strictObject({
      /** The whole preprocessed volume is resized to this grid for the coarse model (the study's 128³). */
      resizeTo: Size3Schema,
      /**
       * Instead of resizeTo: the coarse grid keeps the volume's extent at about this spacing, mm (x, y, z), and
       * the coarse model runs by sliding window (`patch`): a fixed 128³ stretches a short scan (40 mm of liver)
       * along z beyond anything the model saw.
       */
      spacing: spacing3.nullable().default(null),
      /** Margin around the coarse box, in fine-model voxels. */
      margin: z.number().int().min(0),
      /** Coarse training patch and sliding window; null: the whole resized volume. */
      patch: Size3Schema.nullable(),
      /** Overlap of the coarse sliding window; null: inference.overlap. A box needs less blending than a boundary. */
      overlap: z.number().min(0).max(0.9).nullable().default(null),
      /**
       * A model whose network becomes the coarse stage unchanged (only the fine stage trains): e.g. a one-stage
       * model at 3 mm finding the ROI of a new fine model at 2 mm; of a two-stage model, its coarse network.
       * Null: the coarse network is trained or inherited.
       */
      from: z.string().min(1).nullable().default(null),
    })
    .refine((c) => c.spacing === null || c.patch !== null, {
      message: 'coarse.spacing needs coarse.patch (the coarse model runs by sliding window on that grid)',
      path: ['patch'],
    }),
  budget: BudgetSchema,
  validation: ValidationSchema,
  /** What a fine-tune (a run starting from a model made with this plan) uses in place of budget and validation. */
  fineTune: z.strictObject({ budget: BudgetSchema, validation: ValidationSchema }),
  /** split: the seeded train/val/test split; train: weight init, batch order, augmentation. */
  seeds: z.strictObject({ split: z.number().int().min(0), train: z.number().int().min(0) }),
  /** Write a resumable checkpoint every N steps (besides at each validation and on stop). */
  checkpointEvery: posInt,
});

export type TrainPlan = z.infer<typeof TrainPlanSchema>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A plan file, a CLI flag set, an API call, a UI form: any subset of a plan, merged onto a base plan. */
export type PlanOverride = DeepPartial<Omit<TrainPlan, 'schemaVersion' | 'schedule'>> & {
  readonly schemaVersion?: 1;
  /** The plan this one changes: a plan file path (relative to this file), or "study" for the built-in plan. */
  readonly inheritsFrom?: string;
  /** A new `kind` takes that kind's default parameters; the same kind keeps the base's. */
  readonly schedule?: { readonly kind: ScheduleKind } & Partial<Record<'t0' | 'tMult' | 'etaMin' | 'power' | 'warmup', number>>;
};

/** Every object level optional, every leaf optional; arrays and unions replace wholesale. */
function partialDeep(s: z.ZodType): z.ZodType {
  if (s instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(s.shape as Record<string, z.ZodType>).map(([k, v]) => [k, partialDeep(v).optional()]));
    return z.strictObject(shape);
  }
  if (s instanceof z.ZodDiscriminatedUnion) {
    // Parameters of a kind may be left out (the kind's defaults fill them); the kind itself is required.
    const options = (s.options as z.ZodObject[]).map((o) =>
      z.strictObject(
        Object.fromEntries(Object.entries(o.shape as Record<string, z.ZodType>).map(([k, v]) => [k, k === 'kind' ? v : v.optional()])),
      ),
    );
    return z.discriminatedUnion('kind', options as [z.ZodObject, ...z.ZodObject[]]);
  }
  return s;
}

const overrideShape = (partialDeep(TrainPlanSchema) as z.ZodObject).shape as Record<string, z.ZodType>;

/** Validates a plan file / flag set / API `plan` param; unknown fields are errors (a typo never does nothing). */
export const PlanOverrideSchema = z.strictObject({
  ...overrideShape,
  schemaVersion: z.literal(1).optional(),
  inheritsFrom: z.string().min(1).max(4096).optional(),
}) as unknown as z.ZodType<PlanOverride>;

/** One line per problem, each naming the field path. */
export function planIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
