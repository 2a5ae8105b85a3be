/** Masks with known answers for the metric tests: a box of ones in a zero volume (x fastest, as Volume.data). */
export type Dims = [number, number, number];

/** A `dims` volume with ones in the box at `lo` of `size` voxels, zero elsewhere. */
export function box(dims: Dims, lo: Dims, size: Dims): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = lo[2]; k < lo[2] + size[2]; k++)
    for (let j = lo[1]; j < lo[1] + size[1]; j++) for (let i = lo[0]; i < lo[0] + size[0]; i++) m[i + dims[0] * (j + dims[1] * k)] = 1;
  return m;
}
