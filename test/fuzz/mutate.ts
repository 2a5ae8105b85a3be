/**
 * Mutations for the reader fuzzer: byte-level (bit flips, interesting integers and floats, deletions, insertions,
 * duplications, truncation, splices from another seed) with a bias toward the first 2 KiB, where headers live, and
 * line-level edits for text headers (NRRD). Gzip seeds are mostly mutated inside (inflate, mutate, deflate again) so
 * the mutations reach the header instead of only breaking the deflate stream.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export type Random = () => number;

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0x20, 0x0a];
const INTERESTING_32 = [0, 1, -1, 2, 3, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 348, 540, 65535, 1e6];
const INTERESTING_FLOATS = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e30, -1e30, 1e-30, 3.4e38, 0.5];
const INTERESTING_TEXT = [
  '0',
  '-1',
  '1',
  'nan',
  'inf',
  '1e309',
  '99999999',
  '65536',
  '',
  'none',
  '(0,0,0)',
  '(nan,0,0)',
  '(1,0,0) (1,0,0) (0,0,1)',
  '../../etc/passwd',
  '/dev/zero',
  'gzip',
  'raw',
  'ascii',
  'bzip2',
  'big',
  'double',
  'block',
  '4 4 4 4',
];

const int = (rand: Random, n: number) => Math.floor(rand() * n);
const pick = <T>(rand: Random, list: readonly T[]): T => list[int(rand, list.length)];

/** A position, 60% of the time inside the first 2 KiB (headers), else anywhere. */
function position(rand: Random, length: number): number {
  if (length === 0) return 0;
  return rand() < 0.6 ? int(rand, Math.min(length, 2048)) : int(rand, length);
}

function mutateOnce(bytes: Buffer, rand: Random, others: readonly Buffer[]): Buffer {
  const at = position(rand, bytes.length);
  const out = Buffer.from(bytes);
  switch (int(rand, 10)) {
    case 0:
      if (out.length) out[at] ^= 1 << int(rand, 8);
      return out;
    case 1:
      if (out.length) out[at] = rand() < 0.5 ? int(rand, 256) : pick(rand, INTERESTING_8);
      return out;
    case 2:
      if (at + 2 <= out.length) out.writeUInt16LE(pick(rand, INTERESTING_32) & 0xffff, at);
      return out;
    case 3:
      if (at + 4 <= out.length) out.writeInt32LE(pick(rand, INTERESTING_32) | 0, at - (at % (rand() < 0.7 ? 4 : 1)));
      return out;
    case 4:
      if (at + 4 <= out.length) out.writeFloatLE(pick(rand, INTERESTING_FLOATS), at - (at % 4));
      return out;
    case 5: {
      const n = 1 + int(rand, Math.min(64, Math.max(1, out.length - at)));
      return Buffer.concat([out.subarray(0, at), out.subarray(at + n)]);
    }
    case 6: {
      const n = 1 + int(rand, 32);
      const ins = Buffer.from(Array.from({ length: n }, () => int(rand, 256)));
      return Buffer.concat([out.subarray(0, at), ins, out.subarray(at)]);
    }
    case 7: {
      const n = 1 + int(rand, 256);
      return Buffer.concat([out.subarray(0, at), out.subarray(at, at + n), out.subarray(at)]);
    }
    case 8:
      return out.subarray(0, int(rand, out.length + 1));
    default: {
      const other = others.length ? pick(rand, others) : out;
      const from = position(rand, other.length);
      const n = 1 + int(rand, 512);
      return Buffer.concat([out.subarray(0, at), other.subarray(from, from + n), out.subarray(at + n)]);
    }
  }
}

/** Line-level edits of a text header (everything before the first empty line). */
function mutateTextHeader(bytes: Buffer, rand: Random): Buffer {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\n\n');
  const headEnd = end < 0 ? text.length : end;
  const lines = text.slice(0, headEnd).split('\n');
  const n = int(rand, lines.length);
  const r = int(rand, 4);
  if (r === 0) lines.splice(n, 1);
  else if (r === 1) lines.splice(n, 0, lines[int(rand, lines.length)]);
  else {
    const colon = lines[n].indexOf(': ');
    if (colon > 0) {
      const value = r === 2 ? pick(rand, INTERESTING_TEXT) : lines[n].slice(colon + 2).replace(/[0-9.]+/, pick(rand, INTERESTING_TEXT));
      lines[n] = `${lines[n].slice(0, colon)}: ${value}`;
    }
  }
  return Buffer.from(lines.join('\n') + text.slice(headEnd), 'latin1');
}

const isGz = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/** One fuzz input from a seed: 1–8 mutations; inside the gzip stream 70% of the time for gzip seeds. */
export function mutate(seed: Buffer, rand: Random, others: readonly Buffer[] = [], text = false): Buffer {
  const rounds = 1 + Math.min(7, Math.floor(-Math.log2(1 - rand() * 0.99)));
  const inside = isGz(seed) && rand() < 0.7;
  let bytes = inside ? gunzipSync(seed) : seed;
  for (let r = 0; r < rounds; r++) bytes = text && rand() < 0.5 ? mutateTextHeader(bytes, rand) : mutateOnce(bytes, rand, others);
  return inside ? gzipSync(bytes, { level: 1 }) : bytes;
}
