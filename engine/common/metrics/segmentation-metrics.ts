/**
 * Every figure Lobule reports when it compares a predicted mask with a reference mask of one label value:
 * overlap (Dice, IoU), surface distances in mm on the native grid (HD95, ASSD), normalized surface Dice at a
 * tolerance, and volumes in mL. One function, used by `lobule evaluate`, the evaluate job and the tests, so every
 * number Lobule shows is computed the same way.
 *
 * Definitions (MONAI 1.x, metrics/hausdorff_distance.py, surface_distance.py, surface_dice.py):
 * - boundary: mask voxels with a face neighbour outside the mask (surface.ts); distances between voxel centres.
 * - HD95 = max(p95(d(pred→ref)), p95(d(ref→pred))), p95 as numpy.percentile (linear interpolation), as
 *   MONAI's compute_hausdorff_distance(percentile=95, directed=False).
 * - ASSD = mean of both directed distance lists pooled, as compute_average_surface_distance(symmetric=True).
 * NSD(τ) is DeepMind's surface-distance definition instead (surface-dice.ts): surfels on the grid of 2×2×2 voxel
 * cubes weighted by their marching-cubes area in mm², NSD = area of both surfaces within τ of the other / total
 * area. (MONAI's compute_surface_dice counts boundary voxels and differs by a few hundredths on coarse grids.)
 * Empty masks (documented in docs, shown in reports):
 * - both empty: Dice 1, IoU 1, NSD 1, HD95 0, ASSD 0 (nothing to find, nothing found);
 * - one empty: Dice 0, IoU 0, NSD 0, HD95 and ASSD null (no surface to measure to; MONAI gives NaN/inf).
 */
import type { BoxDims, Spacing3 } from '../distance-transform.js';
import { diceFromCounts } from './dice.js';
import { surfaceDiceAtTolerance } from './surface-dice.js';
import { boundaryVoxels, directedSurfaceDistances, percentile } from './surface.js';

export type { BoxDims, Spacing3 };

/** The tolerance of normalized surface Dice when none is given, mm. */
export const DEFAULT_NSD_TOLERANCE_MM = 2;

export type EmptyMasks = 'none' | 'both' | 'prediction' | 'reference';

export interface MaskComparison {
  readonly dice: number;
  readonly iou: number;
  /** mm; null when exactly one mask is empty. */
  readonly hd95Mm: number | null;
  /** mm; null when exactly one mask is empty. */
  readonly assdMm: number | null;
  /** Normalized surface Dice at `nsdToleranceMm`, DeepMind's area-weighted definition (surface-dice.ts). */
  readonly nsd: number;
  readonly nsdToleranceMm: number;
  readonly predictionMl: number;
  readonly referenceMl: number;
  /** prediction − reference, mL. */
  readonly volumeDifferenceMl: number;
  readonly predictionVoxels: number;
  readonly referenceVoxels: number;
  readonly empty: EmptyMasks;
}

export interface CompareOptions {
  /** Label value compared (voxels equal to it are the mask). Default 1. */
  readonly value?: number;
  readonly nsdToleranceMm?: number;
}

/**
 * Compares `prediction` with `reference` (same grid, Volume storage order, i fastest) for one label value.
 * Surface distances are computed inside the bounding box of both masks, which holds every boundary voxel, so
 * the result is exact and the cost scales with the organ, not the scan.
 */
export function compareMasks(
  prediction: Uint8Array,
  reference: Uint8Array,
  dims: BoxDims,
  spacing: Spacing3,
  options: CompareOptions = {},
): MaskComparison {
  const value = options.value ?? 1;
  const tolerance = options.nsdToleranceMm ?? DEFAULT_NSD_TOLERANCE_MM;
  const [nx, ny, nz] = dims;
  if (prediction.length !== nx * ny * nz || reference.length !== prediction.length) {
    throw new RangeError(
      `compareMasks: prediction ${prediction.length} and reference ${reference.length} voxels for dims [${dims.join(', ')}]`,
    );
  }
  if (spacing.some((s) => !(s > 0))) throw new RangeError(`compareMasks: spacing must be positive mm, got [${spacing.join(', ')}]`);
  let p = 0;
  let r = 0;
  let both = 0;
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (let k = 0, idx = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        const a = prediction[idx] === value;
        const b = reference[idx] === value;
        if (!a && !b) continue;
        if (a) p++;
        if (b) r++;
        if (a && b) both++;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
    }
  }
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const volumes = {
    predictionMl: p * voxelMl,
    referenceMl: r * voxelMl,
    volumeDifferenceMl: (p - r) * voxelMl,
    predictionVoxels: p,
    referenceVoxels: r,
  };
  const base = { nsdToleranceMm: tolerance, ...volumes };
  if (p === 0 && r === 0) return { dice: 1, iou: 1, hd95Mm: 0, assdMm: 0, nsd: 1, empty: 'both', ...base };
  if (p === 0 || r === 0)
    return { dice: 0, iou: 0, hd95Mm: null, assdMm: null, nsd: 0, empty: p === 0 ? 'prediction' : 'reference', ...base };

  const box: BoxDims = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const predBox = cropMask(prediction, dims, lo, box, value);
  const refBox = cropMask(reference, dims, lo, box, value);
  // Boundaries inside the box equal those on the whole grid: a neighbour outside the box is outside both masks.
  const predEdge = boundaryVoxels(predBox, box);
  const refEdge = boundaryVoxels(refBox, box);
  const predToRef = directedSurfaceDistances(predEdge, refEdge, box, spacing);
  const refToPred = directedSurfaceDistances(refEdge, predEdge, box, spacing);
  let sum = 0;
  for (const d of predToRef) sum += d;
  for (const d of refToPred) sum += d;
  const edges = predToRef.length + refToPred.length;
  return {
    dice: diceFromCounts(both, p, r),
    iou: both / (p + r - both),
    hd95Mm: Math.max(percentile(predToRef, 95), percentile(refToPred, 95)),
    assdMm: sum / edges,
    nsd: surfaceDiceAtTolerance(predBox, refBox, box, spacing, tolerance),
    empty: 'none',
    ...base,
  };
}

/** The box [lo, lo + box) of `labels` as a 0/1 mask of `value`. */
function cropMask(labels: Uint8Array, dims: BoxDims, lo: readonly number[], box: BoxDims, value: number): Uint8Array {
  const [nx, ny] = dims;
  const out = new Uint8Array(box[0] * box[1] * box[2]);
  for (let k = 0, o = 0; k < box[2]; k++) {
    for (let j = 0; j < box[1]; j++) {
      const row = lo[0] + nx * (lo[1] + j + ny * (lo[2] + k));
      for (let i = 0; i < box[0]; i++, o++) out[o] = labels[row + i] === value ? 1 : 0;
    }
  }
  return out;
}
