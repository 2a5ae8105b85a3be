/**
 * NIfTI-1/2 reader (.nii, .nii.gz, both byte orders). Lean by design: the file is gunzipped into one buffer and the
 * voxels are a typed-array view on it when alignment allows (no copy); big-endian data is swapped in place.
 */
import { LobuleError } from '../errors.js';
import type { Volume, VoxelArray } from '../common/volume.js';
import { gunzipAtMost, isGzip, readFileBytes, readFileHead } from './bytes.js';
import { NIFTI_DATATYPES, parseNiftiHeader, type NiftiHeaderInfo } from './nifti-header.js';
import { checkDeclaredBytes } from './limits.js';
import { validateAffine, validateDims, validateVolume } from './validate.js';

export type { NiftiHeaderInfo } from './nifti-header.js';

export interface ReadNiftiOptions {
  /** Which 3-D volume of a 4-D (or higher) file to read, 0-based. Required when the file holds more than one. */
  readonly volumeIndex?: number;
}

type ArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => VoxelArray;

const CTORS: Record<string, ArrayCtor> = {
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
};

/** Enough bytes for either header (NIfTI-1: 348, NIfTI-2: 540) and the 4-byte extension flag after it. */
const HEADER_PEEK = 544;

export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<Volume> {
  const head = await readFileHead(path, HEADER_PEEK, 'NIfTI file');
  let bytes: Buffer;
  if (isGzip(head)) {
    // Inflate the header first, then only the bytes it declares for the chosen volume (never the whole stream).
    const raw = await readFileBytes(path, 'NIfTI file');
    const header = parseNiftiHeader(await gunzipAtMost(raw, HEADER_PEEK, path, { partial: true }), path);
    const { offset, count } = validateLayout(null, header, path, options.volumeIndex);
    bytes = await gunzipAtMost(raw, offset + count * NIFTI_DATATYPES[header.datatypeCode].bytes, path);
  } else {
    // Uncompressed: read only what the header declares (a 4 GB file whose header says 10×10×10 costs 2 KB).
    const header = parseNiftiHeader(head, path);
    const { offset, count } = validateLayout(null, header, path, options.volumeIndex);
    bytes = await readFileHead(path, offset + count * NIFTI_DATATYPES[header.datatypeCode].bytes, 'NIfTI file');
  }
  const header = parseNiftiHeader(bytes, path);
  return validateVolume(niftiVolumeFromBytes(bytes, header, path, options), { file: path, what: 'NIfTI file' });
}

/** Only the header: reads (and inflates) just the first bytes of the file. */
export async function readNiftiHeader(path: string): Promise<NiftiHeaderInfo> {
  const start = await readFileHead(path, 64 * 1024, 'NIfTI file');
  if (!isGzip(start)) return parseNiftiHeader(start, path);
  // the 64 KiB read is a truncated stream: keep what inflated before it ended
  return parseNiftiHeader(await gunzipAtMost(start, HEADER_PEEK, path, { partial: true }), path);
}

/**
 * Where the chosen volume's voxels lie, checked against the limits before anything is allocated; `bytes` (the
 * decoded file, or null before it is inflated) must hold them all.
 */
function validateLayout(
  bytes: Uint8Array | null,
  header: NiftiHeaderInfo,
  path: string,
  volumeIndex: number | undefined,
): { offset: number; count: number; type: string } {
  const type = NIFTI_DATATYPES[header.datatypeCode];
  if (!type)
    throw new LobuleError(
      'E_UNSUPPORTED',
      `'${path}' stores ${header.datatype} voxels, which Lobule does not read`,
      'Convert it to int16, uint8 or float32 first',
    );
  const [nx, ny, nz] = [header.shape[0], header.shape[1] ?? 1, header.shape[2] ?? 1];
  const opts = { file: path, what: 'NIfTI file' };
  validateDims([nx, ny, nz], type.bytes, opts, 'dim[1..3]');
  validateAffine(header.affine, opts);
  const count = nx * ny * nz;
  if (header.volumes > 1 && volumeIndex === undefined) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `'${path}' holds ${header.volumes} volumes (shape [${header.shape.join(', ')}])`,
      `Choose one with --volume N (0 to ${header.volumes - 1})`,
    );
  }
  const index = volumeIndex ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= header.volumes) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `volume ${index} does not exist in '${path}', which holds ${header.volumes}`,
      `Choose --volume between 0 and ${header.volumes - 1}`,
    );
  }
  if (!Number.isFinite(header.voxOffset) || header.voxOffset < 0) {
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' is not a readable NIfTI file: vox_offset is ${header.voxOffset}, not a byte position`,
      'Fix the header (vox_offset) or export the image again',
    );
  }
  const minOffset = header.format === 'nifti1' ? 352 : 544;
  const voxOffset = Math.max(Math.floor(header.voxOffset), minOffset);
  const offset = voxOffset + index * count * type.bytes;
  const needed = offset + count * type.bytes;
  checkDeclaredBytes(
    needed,
    path,
    `the header (vox_offset ${voxOffset}, volume ${index} of shape [${header.shape.join(', ')}], ${type.name})`,
  );
  if (bytes && bytes.length < needed) {
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' is truncated: its header claims ${needed} bytes (shape [${header.shape.join(', ')}], ${type.name}) ` +
        `but the file holds ${bytes.length}`,
      'Copy or export the file again',
    );
  }
  return { offset, count, type: type.name };
}

function niftiVolumeFromBytes(bytes: Buffer, header: NiftiHeaderInfo, path: string, options: ReadNiftiOptions): Volume {
  const { offset, count, type } = validateLayout(bytes, header, path, options.volumeIndex);
  const bpv = NIFTI_DATATYPES[header.datatypeCode].bytes;
  const span = bytes.subarray(offset, offset + count * bpv);
  if (!header.littleEndian && bpv > 1) swapInPlace(span, bpv);
  let data = viewOrCopy(span, type, count, header.volumes > 1);
  if (header.scaling) data = applyScaling(data, header.scaling.slope, header.scaling.inter);
  const dims = [header.shape[0], header.shape[1] ?? 1, header.shape[2] ?? 1] as const;
  return { data, dims: [dims[0], dims[1], dims[2]], affine: header.affine };
}

function swapInPlace(span: Buffer, bpv: number): void {
  if (bpv === 2) span.swap16();
  else if (bpv === 4) span.swap32();
  else span.swap64();
}

/** A view on the decoded buffer when aligned and the buffer holds only this volume; otherwise an exact-size copy. */
function viewOrCopy(span: Buffer, type: string, count: number, multiVolume: boolean): VoxelArray {
  if (type === 'int64' || type === 'uint64') {
    // no 64-bit integer voxel type in Lobule: values become float64 (exact up to 2^53)
    const out = new Float64Array(count);
    const view = new DataView(span.buffer, span.byteOffset, span.byteLength);
    for (let p = 0; p < count; p++) out[p] = Number(type === 'int64' ? view.getBigInt64(p * 8, true) : view.getBigUint64(p * 8, true));
    return out;
  }
  const Ctor = CTORS[type];
  const bpv = span.byteLength / count;
  if (!multiVolume && span.byteOffset % bpv === 0) return new Ctor(span.buffer, span.byteOffset, count);
  const copy = new Uint8Array(span.byteLength);
  copy.set(span);
  return new Ctor(copy.buffer, 0, count);
}

function applyScaling(data: VoxelArray, slope: number, inter: number): VoxelArray {
  const out = data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let p = 0; p < data.length; p++) out[p] = data[p] * slope + inter;
  return out;
}
