/**
 * Boundary voxels and surface distances of binary masks, with MONAI's conventions (metrics/utils.py
 * get_mask_edges + get_surface_distance), so Lobule's HD95 and ASSD read the same as MONAI's on the same masks:
 * a mask's boundary is its voxels with at least one of the 6 face neighbours outside the mask (the mask XOR its
 * binary erosion by the 3-D cross, voxels beyond the volume counting as outside), and a distance is measured
 * from a boundary voxel's centre to the nearest boundary voxel centre of the other mask, in mm.
 */
import { squaredDistanceTransform, type BoxDims, type Spacing3 } from '../distance-transform.js';

/** The voxels of the box that lie on the mask's boundary (1), elsewhere 0. */
export function boundaryVoxels(mask: Uint8Array, dims: BoxDims): Uint8Array {
  const [nx, ny, nz] = dims;
  const sxy = nx * ny;
  const edge = new Uint8Array(mask.length);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const idx = row + i;
        if (!mask[idx]) continue;
        const inside =
          i > 0 &&
          mask[idx - 1] &&
          i < nx - 1 &&
          mask[idx + 1] &&
          j > 0 &&
          mask[idx - nx] &&
          j < ny - 1 &&
          mask[idx + nx] &&
          k > 0 &&
          mask[idx - sxy] &&
          k < nz - 1 &&
          mask[idx + sxy];
        if (!inside) edge[idx] = 1;
      }
    }
  }
  return edge;
}

/**
 * Distance in mm from each boundary voxel of `from` to the nearest boundary voxel of `to`, in box order.
 * Empty when `from` has no boundary; all Infinity when `to` has none.
 */
export function directedSurfaceDistances(from: Uint8Array, to: Uint8Array, dims: BoxDims, spacing: Spacing3): Float64Array {
  const field = squaredDistanceTransform(to, dims, spacing);
  let n = 0;
  for (let i = 0; i < from.length; i++) if (from[i]) n++;
  const out = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < from.length; i++) if (from[i]) out[m++] = Math.sqrt(field[i]);
  return out;
}

/** numpy.percentile's default (linear interpolation between the two nearest ranks); NaN for no values. */
export function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
