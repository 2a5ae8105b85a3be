/**
 * The one volume type of Lobule, for images and labels alike.
 *
 * Layout: `data[i + dims[0] * (j + dims[1] * k)]`, i fastest — NIfTI storage order, so a NIfTI file's
 * voxels are copied, never transposed. `affine` maps voxel (i, j, k, 1) to world RAS+ millimetres,
 * 4×4 row-major (the same matrix nibabel reports as `img.affine`).
 */
export type VoxelArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export type Dims3 = readonly [number, number, number];

/** 4×4 row-major voxel→RAS+ mm matrix (16 entries). */
export type Affine = Float64Array;

export interface Volume<T extends VoxelArray = VoxelArray> {
  readonly data: T;
  readonly dims: Dims3;
  readonly affine: Affine;
}

/** Labels are always uint8: 0 background, 1..255 classes. */
export type LabelVolume = Volume<Uint8Array>;

export function voxelCount(dims: Dims3): number {
  return dims[0] * dims[1] * dims[2];
}

export function makeVolume<T extends VoxelArray>(data: T, dims: Dims3, affine: ArrayLike<number>): Volume<T> {
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new RangeError(`volume dims must be three positive integers, got [${dims.join(', ')}]`);
  }
  if (data.length !== voxelCount(dims)) {
    throw new RangeError(`volume data has ${data.length} voxels but dims [${dims.join(', ')}] need ${voxelCount(dims)}`);
  }
  if (affine.length !== 16) throw new RangeError(`affine must have 16 entries, got ${affine.length}`);
  return { data, dims: [dims[0], dims[1], dims[2]], affine: Float64Array.from(affine) };
}

/**
 * Min and max of the voxels, [0, 0] for none. A scan of every voxel (~0.25 s for a 512×512×300 CT here), so the
 * workspace records an image's range at import and the host caches the range of each decoded array.
 */
export function valueRange(data: VoxelArray): [number, number] {
  if (data.length === 0) return [0, 0];
  // From ±Infinity, not data[0]: a NaN voxel (float images) then never becomes the min or max.
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}
