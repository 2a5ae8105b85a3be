/**
 * Named float32 tensors as one file, in the safetensors layout (https://huggingface.co/docs/safetensors) so a
 * checkpoint opens in PyTorch / Hugging Face tools: 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype: "F32", shape, data_offsets: [begin, end]}, __metadata__: {lobule: "<JSON>"}}` padded with
 * spaces to 8 bytes, then the tensors' bytes back to back in creation order. safetensors metadata values must
 * be strings, so Lobule's own fields travel as one JSON string under `lobule`.
 *
 * Hand-written because no maintained JavaScript safetensors writer exists; the layout is a few dozen lines.
 * The reader also takes the private `LOBTENS1` files that Lobule wrote before, so old checkpoints still load.
 */
import { LobuleError } from '../errors.js';
import type { WeightSet } from './weights.js';

const METADATA = '__metadata__';
const META_KEY = 'lobule';
/** A header beyond this is no tensor file of ours (a U-Net's header is a few kB); refusing it bounds the parse. */
const MAX_HEADER_BYTES = 64 << 20;

interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: number[];
  readonly data_offsets: [number, number];
}

/** The tensors (float32, little-endian as every platform Lobule runs on) and `meta` in the safetensors layout. */
export function encodeTensorFile(tensors: WeightSet, meta: unknown = {}): Uint8Array {
  const header: Record<string, SafetensorsEntry | Record<string, string>> = { [METADATA]: { [META_KEY]: JSON.stringify(meta) } };
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA) throw new RangeError(`a tensor cannot be named ${METADATA}`);
    header[name] = { dtype: 'F32', shape: [...t.dims], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8; // trailing spaces keep the data 8-byte aligned
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.fill(0x20, 8, 8 + headerLength);
  out.set(json, 8);
  let at = 8 + headerLength;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Reads a tensor file: safetensors (float32 tensors only) or the older LOBTENS1 layout. */
export function decodeTensorFile(bytes: Uint8Array, source: string): { tensors: WeightSet; meta: unknown } {
  if (bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 8)) === LEGACY_MAGIC) return decodeLegacy(bytes, source);
  const bad = corrupt(source);
  if (bytes.length < 8) throw bad('shorter than a safetensors header');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) throw bad(`header length ${headerLength} does not fit the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw bad('unreadable JSON header');
  }
  const base = 8 + headerLength;
  const entries = Object.entries(header).filter(([name]) => name !== METADATA) as [string, SafetensorsEntry][];
  for (const [name, e] of entries) {
    if (!Array.isArray(e?.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2)
      throw bad(`tensor ${name} lacks shape or data_offsets`);
  }
  // Object key order is not creation order for integer-like names; the data order is.
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const tensors: WeightSet = new Map();
  for (const [name, e] of entries) {
    if (e.dtype !== 'F32') throw bad(`tensor ${name} has dtype ${String(e.dtype)}; Lobule reads F32 only`);
    const n = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== n * 4 || begin < 0 || base + end > bytes.length) throw bad(`tensor ${name} is truncated or misplaced`);
    tensors.set(name, { data: copyFloats(bytes, base + begin, n), dims: [...e.shape] });
  }
  const stored = (header[METADATA] as Record<string, string> | undefined)?.[META_KEY];
  let meta: unknown = {};
  try {
    if (stored !== undefined) meta = JSON.parse(stored);
  } catch {
    throw bad(`unreadable ${METADATA}.${META_KEY}`);
  }
  return { tensors, meta };
}

function corrupt(source: string): (why: string) => LobuleError {
  return (why) =>
    new LobuleError('E_CORRUPT', `${source} is not a Lobule tensor file (${why})`, 'Choose a file saved by Lobule, or re-save it');
}

/** Copies into a fresh, aligned buffer (a Node Buffer's slice would alias its shared pool, and may be unaligned). */
function copyFloats(bytes: Uint8Array, at: number, n: number): Float32Array {
  const data = new Float32Array(n);
  new Uint8Array(data.buffer).set(bytes.subarray(at, at + n * 4));
  return data;
}

const LEGACY_MAGIC = 'LOBTENS1';

/**
 * The LOBTENS1 layout Lobule wrote before safetensors: 8-byte magic, u32 LE header length, JSON header
 * {meta, tensors: [{name, dims, offset}]}, then float32 data with offsets counted from the header's end.
 */
function decodeLegacy(bytes: Uint8Array, source: string): { tensors: WeightSet; meta: unknown } {
  const bad = corrupt(source);
  if (bytes.length < 12) throw bad('LOBTENS1 header is truncated');
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  let header: { meta: unknown; tensors: { name: string; dims: number[]; offset: number }[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch {
    throw bad('unreadable LOBTENS1 header');
  }
  const base = 12 + hlen;
  const tensors: WeightSet = new Map();
  for (const t of header.tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    if (base + t.offset + n * 4 > bytes.length) throw bad(`tensor ${t.name} is truncated`);
    tensors.set(t.name, { data: copyFloats(bytes, base + t.offset, n), dims: t.dims });
  }
  return { tensors, meta: header.meta };
}
