/**
 * NIfTI-1/2 reader (.nii, .nii.gz, both byte orders). Lean by design: the file is gunzipped into one buffer and the
 * voxels are a typed-array view on it when alignment allows (no copy); big-endian data is swapped in place.
 */
import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
import { LobuleError } from '../errors.js';
import type { Volume, VoxelArray } from '../volume/volume.js';
import { invertAffine } from '../volume/affine.js';
import { checkReadableFile, isGzip, readFileBytes, gunzipWhole } from './bytes.js';
import { NIFTI_DATATYPES, parseNiftiHeader, type NiftiHeaderInfo } from './nifti-header.js';

export type { NiftiHeaderInfo } from './nifti-header.js';

export interface ReadNiftiOptions {
  /** Which 3-D volume of a 4-D (or higher) file to read, 0-based. Required when the file holds more than one. */
  readonly volumeIndex?: number;
}

type ArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => VoxelArray;

const CTORS: Record<string, ArrayCtor> = {
  uint8: Uint8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
  int8: Int8Array, uint16: Uint16Array, uint32: Uint32Array,
};

export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<Volume> {
  const raw = await readFileBytes(path, 'NIfTI file');
  const bytes = isGzip(raw) ? await gunzipWhole(raw, path) : raw;
  const header = parseNiftiHeader(bytes, path);
  return niftiVolumeFromBytes(bytes, header, path, options);
}

/** Only the header: reads (and gunzips) just the first bytes of the file. */
export async function readNiftiHeader(path: string): Promise<NiftiHeaderInfo> {
  await checkReadableFile(path, 'NIfTI file');
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (!isGzip(start)) return parseNiftiHeader(start, path);
    const inflated = inflatePrefix(start);
    return parseNiftiHeader(inflated, path);
  } finally {
    await fh.close();
  }
}

function inflatePrefix(gz: Buffer): Buffer {
  // a truncated stream is expected here (only the first 64 KiB were read): flush what inflated so far
  try {
    return zlib.gunzipSync(gz, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

function validateLayout(bytes: Uint8Array, header: NiftiHeaderInfo, path: string, volumeIndex: number | undefined): { offset: number; count: number; type: string } {
  const type = NIFTI_DATATYPES[header.datatypeCode];
  if (!type) throw new LobuleError('E_UNSUPPORTED', `'${path}' stores ${header.datatype} voxels, which Lobule does not read`, 'Convert it to int16, uint8 or float32 first');
  const [nx, ny, nz] = [header.shape[0], header.shape[1] ?? 1, header.shape[2] ?? 1];
  const count = nx * ny * nz;
  if (header.volumes > 1 && volumeIndex === undefined) {
    throw new LobuleError('E_INVALID_ARGUMENT', `'${path}' holds ${header.volumes} volumes (shape [${header.shape.join(', ')}])`, `Choose one with --volume N (0 to ${header.volumes - 1})`);
  }
  const index = volumeIndex ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= header.volumes) {
    throw new LobuleError('E_INVALID_ARGUMENT', `volume ${index} does not exist in '${path}', which holds ${header.volumes}`, `Choose --volume between 0 and ${header.volumes - 1}`);
  }
  const minOffset = header.format === 'nifti1' ? 352 : 544;
  const voxOffset = Math.max(Math.floor(header.voxOffset), minOffset);
  const needed = voxOffset + header.volumes * count * type.bytes;
  if (bytes.length < needed) {
    throw new LobuleError('E_CORRUPT', `'${path}' is truncated: its header claims ${needed} bytes (shape [${header.shape.join(', ')}], ${type.name}) but the file holds ${bytes.length}`, 'Copy or export the file again');
  }
  try {
    invertAffine(header.affine);
  } catch {
    throw new LobuleError('E_CORRUPT', `'${path}' has a singular voxel-to-world affine (a zero voxel size or collapsed axes)`, 'Fix the header (pixdim/sform) or export the image again');
  }
  return { offset: voxOffset + index * count * type.bytes, count, type: type.name };
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
