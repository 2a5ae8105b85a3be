/**
 * Resampling an image in world coordinates: every output voxel centre is mapped through the output affine, then
 * the inverse source affine, into the source grid, and read there by the one trilinear interpolator.
 */
import type { Affine, Dims3, Volume, VoxelArray } from './volume.js';
import { invertAffine, multiplyAffines } from './affine.js';
import { trilinearInto } from './trilinear.js';

export interface ResampleOptions {
  /** Value for output voxels that lie outside the source volume (default 0). */
  readonly fill?: number;
}

/** Index-space map from the grid `dstAffine` to the voxels of `srcAffine`. */
export function sourceFromTarget(srcAffine: ArrayLike<number>, dstAffine: ArrayLike<number>): Affine {
  return multiplyAffines(invertAffine(srcAffine), dstAffine);
}

/** Trilinear resampling of an image onto the grid (dims, affine); any pair of affines. */
export function resampleImageToGrid(
  vol: Volume<VoxelArray>,
  dims: Dims3,
  affine: ArrayLike<number>,
  options: ResampleOptions = {},
): Volume<Float32Array> {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  trilinearInto(vol.data, vol.dims, dims, sourceFromTarget(vol.affine, affine), out, options.fill ?? 0);
  return { data: out, dims: [dims[0], dims[1], dims[2]], affine: Float64Array.from(affine) };
}
