/** Crop/pad and label statistics on the one volume type (bounding boxes: box.ts). */
import type { Dims3, LabelVolume, Volume, VoxelArray } from './volume.js';
import { multiplyAffines } from './affine.js';

/**
 * The box [start, start + size) of `vol`, any part outside the volume filled with `fill`. start may be negative and
 * the box may run past the far edge (padding). The affine is shifted so every kept voxel keeps its world position.
 */
export function cropOrPad<T extends VoxelArray>(vol: Volume<T>, start: readonly number[], size: readonly number[], fill = 0): Volume<T> {
  if (size.length !== 3 || size.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new RangeError(`crop size must be three positive integers, got [${size.join(', ')}]`);
  }
  if (start.length !== 3 || start.some((n) => !Number.isInteger(n))) {
    throw new RangeError(`crop start must be three integers, got [${start.join(', ')}]`);
  }
  const [nx, ny, nz] = vol.dims;
  const [sx, sy, sz] = size;
  const out = new (vol.data.constructor as new (n: number) => T)(sx * sy * sz);
  if (fill !== 0) out.fill(fill);
  // overlap of the box with the volume along x, in box coordinates
  const i0 = Math.max(0, -start[0]);
  const i1 = Math.min(sx, nx - start[0]);
  for (let k = 0; k < sz; k++) {
    const zk = start[2] + k;
    if (zk < 0 || zk >= nz) continue;
    for (let j = 0; j < sy; j++) {
      const yj = start[1] + j;
      if (yj < 0 || yj >= ny || i1 <= i0) continue;
      const srcRow = nx * (yj + ny * zk) + start[0];
      const dstRow = sx * (j + sy * k);
      out.set(vol.data.subarray(srcRow + i0, srcRow + i1), dstRow + i0);
    }
  }
  const shift = Float64Array.from([1, 0, 0, start[0], 0, 1, 0, start[1], 0, 0, 1, start[2], 0, 0, 0, 1]);
  return { data: out, dims: [sx, sy, sz] as Dims3, affine: multiplyAffines(vol.affine, shift) };
}

/** Number of voxels of each value present, by value. */
export function labelCounts(labels: LabelVolume | Volume<VoxelArray>): Map<number, number> {
  const d = labels.data;
  const result = new Map<number, number>();
  if (d instanceof Uint8Array) {
    const hist = new Float64Array(256);
    for (let p = 0; p < d.length; p++) hist[d[p]]++;
    for (let v = 0; v < 256; v++) if (hist[v] > 0) result.set(v, hist[v]);
    return result;
  }
  for (let p = 0; p < d.length; p++) result.set(d[p], (result.get(d[p]) ?? 0) + 1);
  return new Map([...result.entries()].sort((a, b) => a[0] - b[0]));
}
