/**
 * Pixel data of one frame → stored values (before rescale) as a typed array, for every supported syntax.
 *
 * Every path ends in `keepStoredBits`: DICOM lets a file use fewer bits than it allocates (12 of 16 for most CT),
 * with anything in the unused high bits (overlays, garbage) and negative values not sign-extended. Native and RLE
 * data keep their bits at HighBit; a codec hands back values at its own precision. Skipping this step turns air
 * (−1024 HU) into +3072 HU without any error, so no decoder output is used without it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import dicomParser from 'dicom-parser';
import { LobuleError } from '../../errors.js';
import { TS, thrownText, type DicomFile, type PixelLayout } from './parse.js';
import { decodeJpeg2000, decodeJpegLs, type DecodedFrame } from './codecs.js';
import { decodeJpegLosslessFrame } from './jpeg-lossless.js';
import { decodeRle } from './rle.js';

export type StoredPixels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE]);
export const SUPPORTED_SYNTAXES = new Set<string>([
  ...NATIVE,
  TS.rle,
  TS.jpegLossless,
  TS.jpegLosslessSV1,
  TS.jpegLs,
  TS.jpegLsNearLossless,
  TS.jpeg2000Lossless,
  TS.jpeg2000,
]);

/** A real copy: Buffer#slice (what dicom-parser hands out on Node) is a view, not a copy. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

/** `bytes` seen as stored values; its byteOffset must be a multiple of the value size. */
function view(bytes: Uint8Array, bits: number, signed: boolean): StoredPixels {
  const { buffer: b, byteOffset: at } = bytes;
  const n = bytes.byteLength / (bits / 8);
  if (bits === 8) return signed ? new Int8Array(b, at, n) : new Uint8Array(b, at, n);
  if (bits === 16) return signed ? new Int16Array(b, at, n) : new Uint16Array(b, at, n);
  return signed ? new Int32Array(b, at, n) : new Uint32Array(b, at, n);
}

/**
 * Keeps the `bits` stored bits that start `shift` bits up, drops the rest, and sign-extends when `signed`,
 * in place. A no-op when the stored bits fill the container.
 */
export function keepStoredBits(px: StoredPixels, bits: number, shift: number, signed: boolean): void {
  const container = px.BYTES_PER_ELEMENT * 8;
  if (shift === 0 && bits >= container) return;
  const up = 32 - bits;
  if (signed) {
    for (let i = 0; i < px.length; i++) px[i] = ((px[i] >>> shift) << up) >> up;
  } else {
    const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    for (let i = 0; i < px.length; i++) px[i] = ((px[i] >>> shift) & mask) >>> 0;
  }
}

/** Bits stored and their position for native/RLE data; an impossible HighBit is read as BitsStored − 1. */
function nativeBits(layout: PixelLayout): { bits: number; shift: number } {
  const bits = layout.bitsStored >= 1 && layout.bitsStored <= layout.bitsAllocated ? layout.bitsStored : layout.bitsAllocated;
  const high = layout.highBit;
  const shift = high + 1 >= bits && high < layout.bitsAllocated ? high + 1 - bits : 0;
  return { bits, shift };
}

/** Whether native bytes of `file` need nothing done to be its stored values (little endian host and file, all bits). */
function nativeAsIs(file: DicomFile): boolean {
  const { bits, shift } = nativeBits(file.pixel);
  const bigEndian = file.transferSyntax === TS.explicitBE && file.pixel.bitsAllocated > 8;
  return shift === 0 && bits === file.pixel.bitsAllocated && !bigEndian && LITTLE_ENDIAN_HOST;
}

/** Native frame bytes (or any whole rows of them) → stored values in place: machine byte order, unused bits handled. */
function fixNative(file: DicomFile, bytes: Uint8Array): StoredPixels {
  const layout = file.pixel;
  if (file.transferSyntax === TS.explicitBE && layout.bitsAllocated > 8) {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (layout.bitsAllocated === 16) b.swap16();
    else b.swap32();
  }
  const px = view(bytes, layout.bitsAllocated, layout.signed);
  const { bits, shift } = nativeBits(layout);
  keepStoredBits(px, bits, shift, layout.signed);
  return px;
}

async function encodedFrame(file: DicomFile, frame: number): Promise<Uint8Array> {
  const ds = file.dataSet;
  const el = ds.elements.x7fe00010;
  if (!el.fragments || el.fragments.length === 0) throw new Error('compressed pixel data has no fragments');
  if (file.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, el.fragments.length);
  const table =
    el.basicOffsetTable && el.basicOffsetTable.length > 0 ? el.basicOffsetTable : dicomParser.createJPEGBasicOffsetTable(ds, el);
  return dicomParser.readEncapsulatedImageFrame(ds, el, frame, table);
}

function shortPixels(file: DicomFile, frame: number): LobuleError {
  return new LobuleError(
    'E_CORRUPT',
    `'${file.path}': pixel data is shorter than ${file.frames > 1 ? `frame ${frame + 1} of ` : ''}${file.columns}×${file.rows} pixels`,
    'The file is truncated; copy it again',
  );
}

/** Frame bytes of a header-only file, read from disk into `scratch` when it is big enough (else a new buffer). */
function frameFromDisk(file: DicomFile, at: NonNullable<DicomFile['pixelsInFile']>, frame: number, bytes: number, scratch?: Uint8Array) {
  if (at.length < (frame + 1) * bytes) throw shortPixels(file, frame);
  const out = scratch && scratch.byteLength >= bytes ? scratch.subarray(0, bytes) : new Uint8Array(bytes);
  const fd = openSync(at.path, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const n = readSync(fd, out, done, bytes - done, at.offset + frame * bytes + done);
      if (n === 0) throw new LobuleError('E_CORRUPT', `'${file.path}' ended inside its pixel data`, 'The file is truncated; copy it again');
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function nativeFrame(file: DicomFile, frame: number, pixels: number, bytesPer: number, scratch?: Uint8Array): StoredPixels {
  const bytes = pixels * bytesPer;
  if (file.pixelsInFile) {
    return fixNative(file, frameFromDisk(file, file.pixelsInFile, frame, bytes, scratch));
  }
  const el = file.dataSet.elements.x7fe00010;
  const all = file.dataSet.byteArray;
  const start = el.dataOffset + frame * bytes;
  if (start + bytes > all.length) throw shortPixels(file, frame);
  // read in place (a view into the file's bytes, no copy) when nothing needs changing; else fixed in a copy
  if (nativeAsIs(file) && (all.byteOffset + start) % bytesPer === 0)
    return view(all.subarray(start, start + bytes), file.pixel.bitsAllocated, file.pixel.signed);
  return fixNative(file, copyBytes(all.subarray(start, start + bytes)));
}

/** A codec's output in the DICOM container; the codec's precision is where its values' bits end. */
interface CodecOutput {
  readonly bytes: Uint8Array;
  readonly precision: number;
}

function fromWasm(d: DecodedFrame): CodecOutput {
  return { bytes: d.bytes, precision: d.bitsPerSample };
}

function jpegLossless(encoded: Uint8Array, bytesPer: number): CodecOutput {
  const f = decodeJpegLosslessFrame(encoded);
  const bytes = bytesPer === 1 ? Uint8Array.from(f.samples) : new Uint8Array(f.samples.buffer, f.samples.byteOffset, f.samples.byteLength);
  return { bytes, precision: f.precision };
}

async function decodeCompressed(file: DicomFile, frame: number, bytesPer: number): Promise<CodecOutput> {
  const ts = file.transferSyntax;
  const encoded = await encodedFrame(file, frame);
  if (ts === TS.rle) {
    const bytes = decodeRle(encoded, file.rows * file.columns, bytesPer, file.pixel.samples);
    return { bytes, precision: 0 };
  }
  if (ts === TS.jpegLossless || ts === TS.jpegLosslessSV1) return jpegLossless(encoded, bytesPer);
  if (ts === TS.jpeg2000Lossless || ts === TS.jpeg2000) return fromWasm(await decodeJpeg2000(encoded));
  if (ts === TS.jpegLs || ts === TS.jpegLsNearLossless) return fromWasm(await decodeJpegLs(encoded));
  throw new LobuleError(
    'E_UNSUPPORTED',
    `'${file.path}' uses transfer syntax ${ts}, which Lobule cannot decode`,
    'Convert the series to uncompressed, RLE, JPEG Lossless, JPEG-LS or JPEG 2000 (e.g. with dcmdjpeg/gdcmconv)',
  );
}

function requireDecodable(file: DicomFile): void {
  if (!file.dataSet.elements.x7fe00010)
    throw new LobuleError('E_CORRUPT', `'${file.path}' has no pixel data`, 'Choose the image files of the series');
  if (![8, 16, 32].includes(file.pixel.bitsAllocated)) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `'${file.path}' has ${file.pixel.bitsAllocated}-bit pixels`,
      'Only 8, 16 and 32 bits allocated are read',
    );
  }
}

/**
 * Stored values of frame `frame` (0-based), rows×columns×samples, machine byte order, unused bits handled.
 * May be a view into the file's bytes or into `scratch` (reused for the next frame): read it, do not keep it.
 */
export async function decodeFrame(file: DicomFile, frame = 0, scratch?: Uint8Array): Promise<StoredPixels> {
  const layout = file.pixel;
  const ts = file.transferSyntax;
  const pixels = file.rows * file.columns * layout.samples;
  const bytesPer = layout.bitsAllocated / 8;
  requireDecodable(file);
  if (NATIVE.has(ts) || ts === '') {
    return nativeFrame(file, frame, pixels, bytesPer, scratch);
  }
  let out: CodecOutput;
  try {
    out = await decodeCompressed(file, frame, bytesPer);
  } catch (e) {
    if (e instanceof LobuleError) throw e;
    throw new LobuleError(
      'E_CORRUPT',
      `'${file.path}': frame ${frame + 1} cannot be decoded (${thrownText(e)})`,
      'The file is damaged; copy it again or remove it from the folder',
      { cause: e },
    );
  }
  if (out.bytes.byteLength < pixels * bytesPer) {
    throw new LobuleError(
      'E_CORRUPT',
      `'${file.path}': decoded frame has ${out.bytes.byteLength} bytes, expected ${pixels * bytesPer}`,
      'The file is damaged; copy it again',
    );
  }
  const decoded = out.bytes.subarray(0, pixels * bytesPer);
  const px = view(decoded.byteOffset % bytesPer === 0 ? decoded : copyBytes(decoded), layout.bitsAllocated, layout.signed);
  if (ts === TS.rle) {
    const { bits, shift } = nativeBits(layout);
    keepStoredBits(px, bits, shift, layout.signed);
  } else {
    // codecs return values right-aligned at their own precision (pydicom does the same for JPEG-LS and J2K)
    const precision = out.precision >= 1 && out.precision <= layout.bitsAllocated ? out.precision : nativeBits(layout).bits;
    keepStoredBits(px, precision, 0, layout.signed);
  }
  return px;
}
