/**
 * The model card (`lobule-model.json`): everything needed to run a model's ONNX on a CT exactly as it was
 * trained — preprocessing, window, output activation, post-processing — so that any ONNX taking
 * [N, C, D, H, W] and returning per-class logits (MONAI, nnU-Net, Lobule's own) runs once it has a card.
 *
 * Conventions: vectors written [x, y, z] are in the card's `orientation` (default RAS: x = first voxel axis of
 * the canonical grid). Tensor layout of the network is [N, C, Z, Y, X], X fastest, matching Volume storage.
 */
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import { LABEL_SOURCE_PATTERN, METRIC_ROLES, type LabelSource, type RoleMetric } from '../common/metrics/roles.js';

export const MODEL_CARD_FILE = 'lobule-model.json';
export const MODEL_ONNX_FILE = 'model.onnx';

const positive3 = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const positiveInt3 = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]);

/** Three axis codes, one of L/R, one of A/P, one of S/I, in any order (e.g. RAS, LPS, PLS). */
const orientationCode = z
  .string()
  .regex(/^[LRAPSI]{3}$/, 'must be three axis letters such as "RAS" or "LPS"')
  .refine((s) => ['LR', 'AP', 'SI'].every((pair) => [...s].filter((c) => pair.includes(c)).length === 1), {
    message: 'must name each of the L/R, A/P and S/I axes exactly once, e.g. "RAS"',
  });

export const IntensitySchema = z
  .strictObject({
    /** HU window applied before scaling. */
    clip: z.tuple([z.number(), z.number()]).refine(([a, b]) => a < b, { message: 'clip must be [low, high] with low < high' }),
    /** minmax01: (clip(x) − low) / (high − low); zscore: (clip(x) − mean) / std. */
    scale: z.enum(['minmax01', 'zscore']),
    mean: z.number().optional(),
    std: z.number().positive().optional(),
  })
  .refine((v) => v.scale !== 'zscore' || (v.mean !== undefined && v.std !== undefined), {
    message: 'scale "zscore" needs both mean and std',
    path: ['mean'],
  });

export const PreprocessingSchema = z.strictObject({
  /** Voxel spacing the network was trained at, mm, [x, y, z] in `orientation`. */
  targetSpacing: positive3,
  orientation: orientationCode.default('RAS'),
  intensity: IntensitySchema,
  /** Sliding-window patch, voxels, [x, y, z]. */
  patchSize: positiveInt3,
  /** Fraction of a patch that neighbouring windows share (0 ≤ overlap < 1). */
  overlap: z.number().min(0).lt(1).default(0.25),
  /** Gaussian importance blending of overlapping windows (otherwise a plain average). */
  gaussian: z.boolean().default(true),
  /**
   * Run the network only inside the body's bounding box (voxels above `threshold` HU, plus `margin` mm); air
   * around the patient is labelled background without inference. Off unless the card asks for it.
   */
  cropToBody: z.strictObject({ threshold: z.number().default(-500), margin: z.number().min(0).default(10) }).optional(),
});

export const OutputSchema = z.strictObject({
  /**
   * How the network's output channels become probabilities: sigmoid (one channel per label), softmax
   * (channel 0 = background) or none (the graph already ends in a sigmoid/softmax).
   */
  activation: z.enum(['sigmoid', 'softmax', 'none']),
  /** Probability above which a voxel is foreground (sigmoid / one-channel outputs). */
  threshold: z.number().gt(0).lt(1).default(0.5),
});

export const PostprocessingSchema = z.strictObject({
  largestComponent: z.boolean().default(false),
  fillHoles: z.boolean().default(false),
});

export const CoarseStageSchema = z
  .strictObject({
    /** ONNX file of the low-resolution ROI model, relative to the package folder. */
    model: z.string().regex(/^[\w.-]+\.onnx$/, 'must be a file name ending in .onnx inside the package folder'),
    /** The whole preprocessed volume is resized to this grid for the coarse model, voxels [x, y, z]. */
    resizeTo: positiveInt3.optional(),
    /** Or: the volume is resized to keep its extent at about this spacing, mm [x, y, z] (engine/common/resize.ts). */
    spacing: positive3.optional(),
    /** Sliding window of the coarse model on its grid; absent: one window over the whole resized volume. */
    patch: positiveInt3.optional(),
    /** Overlap of that sliding window; absent: preprocessing.overlap. A box needs less blending than a boundary. */
    overlap: z.number().min(0).max(0.9).optional(),
    /** Margin around the coarse foreground box, in fine-model voxels. */
    margin: z.number().int().min(0).default(30),
    activation: z.enum(['sigmoid', 'softmax', 'none']).default('sigmoid'),
    threshold: z.number().gt(0).lt(1).default(0.5),
    /** The box is that of the largest connected foreground component: one stray voxel must not widen the ROI. */
    largestComponent: z.boolean().default(true),
  })
  .refine((c) => (c.resizeTo === undefined) !== (c.spacing === undefined), {
    message: 'give exactly one of resizeTo (a fixed grid) and spacing (mm)',
    path: ['resizeTo'],
  })
  .refine((c) => c.spacing === undefined || c.patch !== undefined, {
    message: 'a coarse stage by spacing needs patch (its sliding window)',
    path: ['patch'],
  });

/**
 * Test-time augmentation and checkpoint ensembles (nnU-Net's mirroring and fold ensembles): each adds one
 * network pass per window, so `lobule segment --json` reports how many passes ran. Mirror only along axes the
 * model was trained flipped along: a liver model never trained left-right flipped would be hurt by an x mirror.
 */
export const TestTimeSchema = z.strictObject({
  /** Axis sets of the model grid (0 = x, 1 = y, 2 = z) whose mirrored predictions are averaged with the plain one. */
  mirror: z
    .array(z.array(z.number().int().min(0).max(2)).min(1).max(3))
    .max(7)
    .default([]),
  /** Extra ONNX files of the same network (other checkpoints) averaged with the main model, in the package folder. */
  ensemble: z
    .array(z.string().regex(/^[\w.-]+\.onnx$/, 'must be a file name ending in .onnx inside the package folder'))
    .max(8)
    .default([]),
});

/** One quality figure with its role and label source (engine/common/metrics/roles.ts says what they mean). */
export const RoleMetricSchema = z.strictObject({
  role: z.enum(METRIC_ROLES),
  metric: z.string().min(1),
  value: z.number(),
  label: z.string().optional(),
  caseIds: z.array(z.string()),
  perCase: z.record(z.string(), z.number()).optional(),
  labelSource: z
    .string()
    .regex(LABEL_SOURCE_PATTERN, 'must be expert, unknown or model-generated:<tool>')
    .transform((s) => s as LabelSource),
  command: z.string().optional(),
  date: z.string().optional(),
  note: z.string().optional(),
});

export const ProvenanceSchema = z.strictObject({
  data: z.string().optional(),
  /** Legacy bare figures (e.g. valDice); read them through `evaluations`, which parseModelCard migrates them into. */
  metrics: z.record(z.string(), z.number()).optional(),
  /** Quality figures, each named by role, cases, label source and the command that produced it. */
  evaluations: z.array(RoleMetricSchema).optional(),
  trainingCommand: z.string().optional(),
  date: z.string().optional(),
  framework: z.string().optional(),
  notes: z.string().optional(),
});

export const ModelCardSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, ".", "_" or "-" (it names a folder)'),
  version: z.string().min(1),
  description: z.string().optional(),
  /** Label value → class name, e.g. {"1": "liver"}. Values 1..255. */
  labels: z
    .record(z.string().regex(/^([1-9]\d?|1\d\d|2[0-4]\d|25[0-5])$/, 'label values must be 1..255'), z.string().min(1))
    .refine((r) => Object.keys(r).length > 0, { message: 'must name at least one label, e.g. {"1": "liver"}' }),
  inputChannels: z.number().int().positive().default(1),
  /** sha256 (hex) of each ONNX file of the package, by file name; loading refuses a file that differs. */
  sha256: z
    .record(z.string().regex(/^[\w.-]+\.onnx$/, 'keys are ONNX file names'), z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'))
    .optional(),
  preprocessing: PreprocessingSchema,
  output: OutputSchema,
  postprocessing: PostprocessingSchema.default({ largestComponent: false, fillHoles: false }),
  coarse: CoarseStageSchema.optional(),
  testTime: TestTimeSchema.optional(),
  provenance: ProvenanceSchema.default({}),
});

export type ModelCard = z.infer<typeof ModelCardSchema>;
/** What a card author writes: fields with defaults may be left out. */
export type ModelCardInput = z.input<typeof ModelCardSchema>;

/** Label values of a card in ascending order. */
export function labelValues(card: ModelCard): number[] {
  return Object.keys(card.labels)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Validates a parsed card. Every problem is reported by its field path (e.g.
 * `preprocessing.targetSpacing.0: Too small …`) so the author knows what to change.
 */
export function parseModelCard(json: unknown, source = MODEL_CARD_FILE): ModelCard {
  const result = ModelCardSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(card)'}: ${i.message}`);
    throw new LobuleError('E_MODEL', `invalid model card ${source}: ${problems.join('; ')}`, 'Fix those fields of lobule-model.json');
  }
  const card = withRoleMetrics(result.data);
  if (card.inputChannels !== 1) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `model card ${source}: inputChannels ${card.inputChannels} is not supported`,
      'Lobule runs single-channel CT models (inputChannels 1)',
    );
  }
  return card;
}

/**
 * Cards written before metrics had roles carry a bare `metrics.valDice` (and `valDice.<case>`): that figure
 * chose the epoch, so it is a `selection` figure on labels of unknown origin. Applied to every card read.
 */
export function migrateRoleMetrics(provenance: {
  metrics?: Record<string, number>;
  evaluations?: readonly RoleMetric[];
  trainingCommand?: string;
}): RoleMetric[] {
  const recorded = [...(provenance.evaluations ?? [])];
  const legacy = provenance.metrics?.valDice ?? provenance.metrics?.val_dice;
  if (typeof legacy !== 'number' || recorded.some((m) => m.role === 'selection' && m.metric === 'dice')) return recorded;
  const perCase = Object.fromEntries(
    Object.entries(provenance.metrics ?? {})
      .filter(([k]) => k.startsWith('valDice.'))
      .map(([k, v]) => [k.slice('valDice.'.length), v]),
  );
  const caseIds = Object.keys(perCase);
  return [
    ...recorded,
    {
      role: 'selection',
      metric: 'dice',
      value: legacy,
      caseIds,
      ...(caseIds.length ? { perCase } : {}),
      labelSource: 'unknown',
      command: provenance.trainingCommand,
    },
  ];
}

function withRoleMetrics(card: ModelCard): ModelCard {
  const evaluations = migrateRoleMetrics(card.provenance);
  // RoleMetric's arrays are readonly, the schema's are not: the same data.
  return evaluations.length
    ? { ...card, provenance: { ...card.provenance, evaluations: evaluations as NonNullable<ModelCard['provenance']['evaluations']> } }
    : card;
}
