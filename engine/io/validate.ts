/**
 * The last check every reader (NIfTI, NRRD, DICOM series, DICOM SEG, the loader) runs on what it returns: a volume
 * that passes has 3 dims each in 1..MAX_DIM, a finite non-singular voxel→world affine with finite positive spacing,
 * and exactly as many voxels as the dims declare, within the byte limit of limits.ts. A fuzzing run found readers
 * returning 0×0 volumes, NaN spacing and collapsed affines; those then failed far away (viewer, resampler) with
 * messages that named neither the file nor the field. Here the failure names the file, the field and the value.
 *
 * The parts (validateDims, validateAffine) are exported so a reader can check a header before it allocates.
 */
import { LobuleError } from '../errors.js';
import type { Volume, VoxelArray } from '../common/volume.js';
import { checkDeclaredBytes, MAX_DIM } from './limits.js';

export interface ValidateOptions {
  /** The file (or folder) the volume came from, as the user named it. */
  readonly file: string;
  /** What kind of file, for the message ("NIfTI file", "DICOM series"); default "file". */
  readonly what?: string;
}

const VOXEL_ARRAYS = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];

/** Below this, |det| relative to the product of the column lengths means the axes are (nearly) parallel. */
const MIN_AXIS_INDEPENDENCE = 1e-6;

function invalid(opts: ValidateOptions, field: string, value: string, problem: string): LobuleError {
  return new LobuleError(
    'E_CORRUPT',
    `'${opts.file}' is not a usable ${opts.what ?? 'image'}: ${field} is ${value}, ${problem}`,
    'The header is damaged or describes no real image; export or copy the file again',
  );
}

function show(values: ArrayLike<number>): string {
  return `[${Array.from(values, (v) => (Number.isFinite(v) ? +v.toPrecision(6) : String(v))).join(', ')}]`;
}

/** Three whole numbers, each 1..MAX_DIM, whose voxel count at `bytesPerVoxel` is within the byte limit. */
export function validateDims(dims: ArrayLike<number>, bytesPerVoxel: number, opts: ValidateOptions, field = 'dims'): void {
  if (dims.length !== 3) throw invalid(opts, field, show(dims), 'not three dimensions');
  for (let a = 0; a < 3; a++) {
    const n = dims[a];
    if (!Number.isInteger(n) || n < 1) throw invalid(opts, field, show(dims), `axis ${a} must be a whole number ≥ 1`);
    if (n > MAX_DIM) throw invalid(opts, field, show(dims), `axis ${a} is larger than Lobule's maximum of ${MAX_DIM} voxels`);
  }
  checkDeclaredBytes(dims[0] * dims[1] * dims[2] * bytesPerVoxel, opts.file, `${field} ${show(dims)}`);
}

/** 16 finite entries, last row [0 0 0 1], finite positive spacing, and three independent axes. */
export function validateAffine(affine: ArrayLike<number>, opts: ValidateOptions, field = 'voxel-to-world affine'): void {
  if (affine.length !== 16) throw invalid(opts, field, `${affine.length} numbers`, 'not a 4×4 matrix');
  for (let n = 0; n < 16; n++) {
    if (!Number.isFinite(affine[n])) throw invalid(opts, field, show(Array.from(affine).slice(0, 12)), `entry ${n} is not a finite number`);
  }
  if (affine[12] !== 0 || affine[13] !== 0 || affine[14] !== 0 || affine[15] !== 1) {
    throw invalid(opts, field, show(affine), 'its last row is not [0, 0, 0, 1]');
  }
  const col = (c: number) => [affine[c], affine[4 + c], affine[8 + c]];
  const spacing = [0, 1, 2].map((c) => Math.hypot(...col(c)));
  if (spacing.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw invalid(opts, 'voxel spacing', show(spacing), 'every voxel size must be a finite number above 0 mm');
  }
  const [a, b, c] = [col(0), col(1), col(2)];
  const det = a[0] * (b[1] * c[2] - b[2] * c[1]) - b[0] * (a[1] * c[2] - a[2] * c[1]) + c[0] * (a[1] * b[2] - a[2] * b[1]);
  if (!(Math.abs(det) / (spacing[0] * spacing[1] * spacing[2]) > MIN_AXIS_INDEPENDENCE)) {
    throw invalid(opts, field, show(Array.from(affine).slice(0, 12)), 'it is singular (two voxel axes point the same way)');
  }
}

/**
 * Checks a volume a reader is about to return, and returns it.
 * @throws LobuleError naming the file, the field and the value when anything is off.
 */
export function validateVolume<V extends Volume>(volume: V, opts: ValidateOptions): V {
  const data: unknown = volume?.data;
  if (!VOXEL_ARRAYS.some((T) => data instanceof T)) throw invalid(opts, 'voxel data', typeof data, 'not a typed voxel array');
  const voxels = data as VoxelArray;
  validateDims(volume.dims, voxels.BYTES_PER_ELEMENT, opts);
  const declared = volume.dims[0] * volume.dims[1] * volume.dims[2];
  if (voxels.length !== declared) {
    throw invalid(opts, 'voxel count', String(voxels.length), `but dims ${show(volume.dims)} declare ${declared}`);
  }
  validateAffine(volume.affine, opts);
  return volume;
}
