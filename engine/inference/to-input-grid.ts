/**
 * Puts a segmentation made at model resolution back onto the input's grid as nnU-Net does: the per-class
 * probabilities are interpolated (trilinear) at every input voxel and decoded there, which gives smoother
 * borders than resampling the labels. Memory stays bounded: the input grid is visited slab by slab, only inside
 * the box that can hold foreground (a voxel whose eight model neighbours are all background stays background
 * under any convex interpolation), so no full-resolution float volume is ever made.
 */
import type { Affine, Dims3, LabelVolume } from '../common/volume.js';
import { invertAffine, multiplyAffines, voxelToWorld } from '../common/affine.js';
import { resampleImageToGrid } from '../common/resample.js';
import { throwIfAborted } from '../errors.js';
import { decodeInto, type Decoder } from './decode.js';
import { growBox, nonZeroBox, type Box } from '../common/box.js';
import { decodeSeparable } from './separable-decode.js';

export interface ProbabilityMaps {
  /** Probabilities per channel on `dims`, x fastest. */
  readonly channels: Float32Array[];
  readonly dims: Dims3;
  readonly affine: Affine;
}

/** Labels on the model grid itself. */
export function labelsOnModelGrid(maps: ProbabilityMaps, decoder: Decoder): Uint8Array {
  const out = new Uint8Array(maps.channels[0].length);
  decodeInto(maps.channels, decoder, out);
  return out;
}

function translate(affine: ArrayLike<number>, x: number, y: number, z: number): Affine {
  return multiplyAffines(affine, Float64Array.from([1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1]));
}

/** The box of target voxels that can see any model voxel of `box` (corners mapped, one voxel of slack). */
export function targetBoxOf(box: Box, modelAffine: Affine, target: { dims: Dims3; affine: Affine }): Box | null {
  const toTarget = multiplyAffines(invertAffine(target.affine), modelAffine);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let c = 0; c < 8; c++) {
    const corner = [0, 1, 2].map((a) => ((c >> a) & 1 ? box.max[a] : box.min[a]));
    const p = voxelToWorld(toTarget, corner);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], p[a]);
      hi[a] = Math.max(hi[a], p[a]);
    }
  }
  const min = lo.map((v) => Math.max(0, Math.floor(v) - 1)) as [number, number, number];
  const max = hi.map((v, a) => Math.min(target.dims[a] - 1, Math.ceil(v) + 1)) as [number, number, number];
  return min.some((v, a) => v > max[a]) ? null : { min, max };
}

export interface BackProjection {
  readonly labels: LabelVolume;
  /** Box of the input grid that may hold labels (null when the model found nothing). */
  readonly box: Box | null;
}

const SLAB_VOXELS = 1 << 22;

/**
 * Decodes interpolated probabilities at every voxel of the target grid; returns uint8 labels on that grid. Grids
 * that are axis-aligned to each other (always, for the pipeline's model grid) take the separable path; others
 * are resampled slab by slab.
 */
export function labelsOnInputGrid(
  maps: ProbabilityMaps,
  modelLabels: Uint8Array,
  decoder: Decoder,
  target: { dims: Dims3; affine: Affine },
  signal?: AbortSignal,
  onSlab?: (fraction: number) => void,
): BackProjection {
  const [nx, ny, nz] = target.dims;
  const out = new Uint8Array(nx * ny * nz);
  const labels: LabelVolume = { data: out, dims: [nx, ny, nz], affine: Float64Array.from(target.affine) };
  const found = nonZeroBox(modelLabels, maps.dims);
  if (!found) return { labels, box: null };
  const box = targetBoxOf(growBox(found, 1, maps.dims), maps.affine, target);
  if (!box) return { labels, box: null };
  if (decodeSeparable(maps, decoder, target, box, out, signal)) {
    onSlab?.(1);
    return { labels, box };
  }
  const bx = box.max[0] - box.min[0] + 1;
  const by = box.max[1] - box.min[1] + 1;
  const depth = Math.max(1, Math.floor(SLAB_VOXELS / (bx * by)));
  const slabLabels = new Uint8Array(bx * by * depth);
  for (let z0 = box.min[2]; z0 <= box.max[2]; z0 += depth) {
    throwIfAborted(signal, 'segmentation');
    const d = Math.min(depth, box.max[2] - z0 + 1);
    const dims: Dims3 = [bx, by, d];
    const affine = translate(target.affine, box.min[0], box.min[1], z0);
    const probs = maps.channels.map((ch) => resampleImageToGrid({ data: ch, dims: maps.dims, affine: maps.affine }, dims, affine).data);
    decodeInto(probs, decoder, slabLabels);
    for (let k = 0; k < d; k++)
      for (let j = 0; j < by; j++) {
        const src = bx * (j + by * k);
        out.set(slabLabels.subarray(src, src + bx), box.min[0] + nx * (box.min[1] + j + ny * (z0 + k)));
      }
    onSlab?.((z0 + d - box.min[2]) / (box.max[2] - box.min[2] + 1));
  }
  return { labels, box };
}
