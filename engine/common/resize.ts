/**
 * The resize mapping of the coarse stage (e.g. the model grid → 128³): the two grids share their outermost
 * voxel centres, so resized voxel u sits at source index u·(n − 1)/(m − 1). Inference's coarse stage and the
 * training data pipeline both use it, so a coarse model is trained on exactly the grid it later runs on.
 */
import type { Affine, Dims3, VoxelArray } from './volume.js';
import { trilinearInto } from './trilinear.js';

/** Per axis: source index per resized index, (n − 1)/(m − 1) (0 where the resized axis has one voxel). */
export function resizeScale(from: Dims3, to: Dims3): [number, number, number] {
  return [0, 1, 2].map((a) => (to[a] > 1 ? (from[a] - 1) / (to[a] - 1) : 0)) as [number, number, number];
}

/** Index-space affine (resized voxel → source voxel) of the resize from `from` to `to`. */
export function resizeToSource(from: Dims3, to: Dims3): Affine {
  const s = resizeScale(from, to);
  return Float64Array.from([s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, 0, 0, 0, 1]);
}

/** Trilinear resize of an image from `from` to `to` (e.g. the model grid onto the coarse 128³ grid). */
export function resizeImage(data: VoxelArray, from: Dims3, to: Dims3): Float32Array {
  const out = new Float32Array(to[0] * to[1] * to[2]);
  trilinearInto(data, from, to, resizeToSource(from, to), out);
  return out;
}

/**
 * The grid a coarse stage by spacing resizes to: the volume's extent (outermost voxel centres, as resizeScale maps
 * them) at about `to` mm per voxel, from a grid of `from` mm per voxel.
 */
export function gridAtSpacing(dims: Dims3, from: readonly number[], to: readonly number[]): Dims3 {
  const n = (a: number) => Math.max(1, Math.round(((dims[a] - 1) * from[a]) / to[a]) + 1);
  return [n(0), n(1), n(2)];
}
