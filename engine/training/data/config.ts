/**
 * A training run described as data: `TrainConfig`, validated with zod when it is loaded (from a JSON file,
 * CLI flags or a host's job request). Defaults are the liver study's: clip [-300, 300] HU to [0, 1], 1:1
 * positive/negative patches, 4 per volume, Novograd, cosine annealing with warm restarts (T0 5, Tmult 3),
 * two-stage coarse (resized to 128³) / fine (foreground crop + 30 voxels).
 *
 * Axis order: every 3-vector here (spacing, patch) is in volume order (i, j, k) = (x, y, z), the order of
 * `Volume.dims`; the trainer's tensors are [N, C, z, y, x], i.e. the same flat data.
 */
import { z } from 'zod';
import { LobuleError } from '../../errors.js';
import { labelLut as workspaceLut, parseLabelMap } from '../../workspace/labelmap.js';

const triple = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]);
const patchSize = z.union([z.number().int().positive(), triple]);
const positive3 = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);

export const augmentSchema = z.strictObject({
  /** Probability of flipping along x, y, z (each drawn on its own). */
  flipProb: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.1, 0.1, 0.1]),
  /** Probability of a 90°·k rotation in the axial (x, y) plane, k in 1..3. */
  rot90Prob: z.number().min(0).max(1).default(0.1),
  /** Probability of multiplying intensities by (1 + u), u uniform in ±intensityScale. */
  intensityScaleProb: z.number().min(0).max(1).default(0.5),
  intensityScale: z.number().min(0).default(0.1),
  /** Probability of adding u, u uniform in ±intensityShift (in scaled units, [0, 1] = clip range). */
  intensityShiftProb: z.number().min(0).max(1).default(0.5),
  intensityShift: z.number().min(0).default(0.1),
  /** Probability of a small affine: rotation about z up to ±rotateDeg and isotropic scale in 1 ± scale. */
  affineProb: z.number().min(0).max(1).default(0.2),
  rotateDeg: z.number().min(0).max(45).default(10),
  scale: z.number().min(0).max(0.5).default(0.1),
  /**
   * Probability of keeping only a random z-slab of the patch (≥ slabMin slices) and padding the rest, so a
   * model also learns scans much shorter than its patch (a 40 mm DICOM series at 3 mm is 14 slices).
   */
  slabProb: z.number().min(0).max(1).default(0),
  slabMin: z.number().int().positive().default(8),
});
export type AugmentConfig = z.infer<typeof augmentSchema>;

export const preprocessSchema = z.strictObject({
  /** Target voxel spacing in mm (x, y, z); volumes are resampled to it before anything else. */
  spacing: positive3.default([1.5, 1.5, 1.5]),
  /** Intensity window [a, b] HU, mapped linearly onto [0, 1] and clipped. */
  clip: z.tuple([z.number(), z.number()]).default([-300, 300]),
});
export type PreprocessConfig = z.infer<typeof preprocessSchema>;

const schedule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cosine-restarts'), t0: z.number().int().positive().default(5), tMult: z.number().int().positive().default(3), minLr: z.number().min(0).default(0) }),
  z.strictObject({ kind: z.literal('poly'), power: z.number().positive().default(0.9) }),
]);

export const trainConfigSchema = z.strictObject({
  schemaVersion: z.literal(1).default(1),
  /** fine: one model at `preprocess.spacing`; coarse: the ROI model on the volume resized to `coarse.resizeTo`; both: the two. */
  stage: z.enum(['fine', 'coarse', 'both']).default('fine'),
  epochs: z.number().int().positive().default(100),
  patch: patchSize.default(96),
  batch: z.number().int().positive().default(2),
  lr: z.number().positive().default(1e-3),
  optimizer: z.enum(['novograd', 'adam', 'sgd']).default('novograd'),
  weightDecay: z.number().min(0).default(0),
  schedule: schedule.default({ kind: 'cosine-restarts', t0: 5, tMult: 3, minLr: 0 }),
  loss: z.enum(['dice', 'dice-ce']).default('dice'),
  /**
   * Soft Dice over the whole batch per class (MONAI batch=True) instead of per sample: a patch without foreground
   * then still gets a gradient against false positives (per sample, its Dice is ≈ 1 whatever it predicts).
   */
  diceOverBatch: z.boolean().default(false),
  /** Validate every N epochs (and after the last). */
  valEvery: z.number().int().positive().default(2),
  /** Stop when val Dice has not improved for this many validations; 0 = never stop early. */
  patience: z.number().int().min(0).default(10),
  seed: z.number().int().min(0).default(0),
  samplesPerVolume: z.number().int().positive().default(4),
  /** Relative weights of patches centred on foreground vs background voxels (MONAI's pos/neg). */
  posNegRatio: z.tuple([z.number().min(0), z.number().min(0)]).default([1, 1]),
  /** Label map in the workspace's syntax (`2:1`, `5:1`); unlisted values become 0. Default: every non-zero value → 1. */
  labelMap: z.string().optional(),
  preprocess: preprocessSchema.default({ spacing: [1.5, 1.5, 1.5], clip: [-300, 300] }),
  augment: augmentSchema.default(augmentSchema.parse({})),
  coarse: z.strictObject({
    resizeTo: patchSize.default(128),
    margin: z.number().int().min(0).default(30),
    patch: patchSize.optional(),
  }).default({ resizeTo: 128, margin: 30 }),
  /** Sliding-window overlap of validation (and of the written model card). */
  overlap: z.number().min(0).max(0.9).default(0.25),
  threshold: z.number().min(0).max(1).default(0.5),
  /** Steps per epoch; default ceil(cases × samplesPerVolume / batch). */
  stepsPerEpoch: z.number().int().positive().optional(),
  /** Write a resumable checkpoint every N steps (besides at each validation and on cancel). */
  checkpointEvery: z.number().int().positive().default(50),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Validates a run configuration; the error names the field and its problem. */
export function parseTrainConfig(input: unknown, source = 'training configuration'): TrainConfig {
  const r = trainConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    throw new LobuleError('E_INVALID_ARGUMENT', `${source}: field '${where}' is invalid: ${issue.message}`, 'Fix that field (see `lobule train --help`) and run again');
  }
  return r.data;
}

export type Size3 = readonly [number, number, number];

/** A patch or resize size as (x, y, z). */
export function size3(s: number | readonly [number, number, number]): Size3 {
  return typeof s === 'number' ? [s, s, s] : [s[0], s[1], s[2]];
}

/**
 * The training lookup table of a label map written in the workspace's syntax (`2:1`, `5:1`, `1:1,2:1`,
 * engine/workspace/labelmap.ts). For training, values the map does not list become 0 unless it says `*:N`
 * (a one-class liver model must not see stomach = 6 as class 6). With no map every non-zero value is class 1.
 */
export function labelLut(spec: string | undefined): Uint8Array {
  if (!spec) {
    const lut = new Uint8Array(256).fill(1);
    lut[0] = 0;
    return lut;
  }
  const m = parseLabelMap(spec);
  return workspaceLut({ pairs: m.pairs, others: m.others === 'keep' ? 0 : m.others });
}
