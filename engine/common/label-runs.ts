/**
 * Run-length coding of a uint8 labelmap, the wire form of labelmap reads (engine/api/wire.ts). Written by hand:
 * a labelmap is long runs of one value, and the generic codecs cost more than the copy they save here (measured
 * opening a 512×512×300 case on 2 cores: the raw 78 MB cost ~0.35 s of CPU across the host, Chromium's network
 * process and the page; gzip on the wire ~0.7 s, as the network process inflates it and the 78 MB still cross into
 * the page; these runs ~0.1 s, and a few hundred kB cross).
 *
 * Layout (little-endian): "LRL1", voxel count (u32), run count (u32), run lengths (u32 each), run values (u8 each).
 * A labelmap with more runs than voxels / 8 (noise, not segments) is sent as it is: run count 0xFFFFFFFF, then
 * the voxels.
 */

const MAGIC = 0x314c524c; // "LRL1" read as a little-endian u32
const HEADER_BYTES = 12;
const RAW = 0xffffffff;

/** Encodes `labels`; at most 4 G voxels (the count is a u32). */
export function encodeLabelRuns(labels: Uint8Array): Uint8Array {
  const n = labels.length;
  if (n > 0xffffffff) throw new RangeError(`a labelmap of ${n} voxels is too large to send (at most 4294967295)`);
  const budget = Math.max(16, Math.floor(n / 8));
  const lengths = new Uint32Array(budget);
  const values = new Uint8Array(budget);
  let runs = 0;
  let runStart = 0;
  let value = n > 0 ? labels[0] : 0;
  // Runs are skipped 4 voxels at a time where the labelmap is word-aligned: most of it is long runs of 0.
  const words = labels.byteOffset % 4 === 0 ? new Uint32Array(labels.buffer, labels.byteOffset, n >>> 2) : null;
  let i = 1;
  while (i < n) {
    if (words && (i & 3) === 0) {
      const same = value * 0x01010101;
      let w = i >>> 2;
      while (w < words.length && words[w] === same) w++;
      i = Math.max(i, w << 2);
      if (i >= n) break;
    }
    if (labels[i] !== value) {
      if (runs === budget) return rawForm(labels);
      lengths[runs] = i - runStart;
      values[runs++] = value;
      runStart = i;
      value = labels[i];
    }
    i++;
  }
  if (n > 0) {
    if (runs === budget) return rawForm(labels);
    lengths[runs] = n - runStart;
    values[runs++] = value;
  }
  const out = new Uint8Array(HEADER_BYTES + runs * 5);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, n, true);
  view.setUint32(8, runs, true);
  for (let r = 0; r < runs; r++) view.setUint32(HEADER_BYTES + 4 * r, lengths[r], true);
  out.set(values.subarray(0, runs), HEADER_BYTES + 4 * runs);
  return out;
}

function rawForm(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, labels.length, true);
  view.setUint32(8, RAW, true);
  out.set(labels, HEADER_BYTES);
  return out;
}

/** Decodes what encodeLabelRuns wrote; throws a RangeError naming the defect for anything else. */
export function decodeLabelRuns(encoded: ArrayBuffer | Uint8Array): Uint8Array {
  const bytes = encoded instanceof Uint8Array ? encoded : new Uint8Array(encoded);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) {
    throw new RangeError('the labelmap did not arrive run-length coded (no LRL1 header)');
  }
  const n = view.getUint32(4, true);
  const runs = view.getUint32(8, true);
  if (runs === RAW) {
    if (bytes.byteLength !== HEADER_BYTES + n)
      throw new RangeError(`the labelmap has ${bytes.byteLength - HEADER_BYTES} of its ${n} voxels`);
    return bytes.slice(HEADER_BYTES);
  }
  if (bytes.byteLength !== HEADER_BYTES + runs * 5) {
    throw new RangeError(`the run-length coded labelmap has ${bytes.byteLength} bytes where ${runs} runs need ${HEADER_BYTES + runs * 5}`);
  }
  const out = new Uint8Array(n);
  const valuesAt = HEADER_BYTES + 4 * runs;
  let at = 0;
  for (let r = 0; r < runs; r++) {
    const length = view.getUint32(HEADER_BYTES + 4 * r, true);
    const value = bytes[valuesAt + r];
    if (at + length > n) throw new RangeError(`the run-length coded labelmap's runs cover more than its ${n} voxels`);
    if (value !== 0) out.fill(value, at, at + length); // a new array is all 0 already
    at += length;
  }
  if (at !== n) throw new RangeError(`the run-length coded labelmap's runs cover ${at} of its ${n} voxels`);
  return out;
}
