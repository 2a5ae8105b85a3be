/** Pixel data of one frame → raw stored values (before rescale) as a typed array, for every supported syntax. */
import dicomParser from 'dicom-parser';
import { LobuleError } from '../../errors.js';
import { TS, type DicomFile } from './parse.js';
import { decodeJpeg2000, decodeJpegLossless, decodeJpegLs } from './codecs.js';
import { decodeRle } from './rle.js';

export type StoredPixels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE]);
export const SUPPORTED_SYNTAXES = new Set<string>([
  ...NATIVE, TS.rle, TS.jpegLossless, TS.jpegLosslessSV1, TS.jpegLs, TS.jpegLsNearLossless, TS.jpeg2000Lossless, TS.jpeg2000,
]);

interface PixelFormat {
  readonly bitsAllocated: number;
  readonly signed: boolean;
  readonly samples: number;
}

export function pixelFormat(file: DicomFile): PixelFormat {
  const ds = file.dataSet;
  return {
    bitsAllocated: ds.uint16('x00280100') ?? 16,
    signed: (ds.uint16('x00280103') ?? 0) === 1,
    samples: ds.uint16('x00280002') ?? 1,
  };
}

/** A real copy: Buffer#slice (what dicom-parser hands out on Node) is a view, not a copy. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

function typed(bytes: Uint8Array, bits: number, signed: boolean): StoredPixels {
  // a fresh, aligned buffer that holds only this frame
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !Buffer.isBuffer(bytes) ? bytes : copyBytes(bytes);
  const n = own.byteLength / (bits / 8);
  if (bits === 8) return signed ? new Int8Array(own.buffer, own.byteOffset, n) : own;
  if (bits === 16) return signed ? new Int16Array(own.buffer, own.byteOffset, n) : new Uint16Array(own.buffer, own.byteOffset, n);
  return signed ? new Int32Array(own.buffer, own.byteOffset, n) : new Uint32Array(own.buffer, own.byteOffset, n);
}

async function encodedFrame(file: DicomFile, frame: number): Promise<Uint8Array> {
  const ds = file.dataSet;
  const el = ds.elements.x7fe00010;
  if (!el.fragments || el.fragments.length === 0) throw new Error('compressed pixel data has no fragments');
  if (file.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, el.fragments.length);
  const table = el.basicOffsetTable && el.basicOffsetTable.length > 0 ? el.basicOffsetTable : dicomParser.createJPEGBasicOffsetTable(ds, el);
  return dicomParser.readEncapsulatedImageFrame(ds, el, frame, table);
}

/** Stored values of frame `frame` (0-based), rows×columns×samples, machine byte order. */
export async function decodeFrame(file: DicomFile, frame = 0): Promise<StoredPixels> {
  const fmt = pixelFormat(file);
  const ts = file.transferSyntax;
  const pixels = file.rows * file.columns * fmt.samples;
  const bytesPer = fmt.bitsAllocated / 8;
  const el = file.dataSet.elements.x7fe00010;
  if (!el) throw new LobuleError('E_CORRUPT', `'${file.path}' has no pixel data`);
  if (![8, 16, 32].includes(fmt.bitsAllocated)) {
    throw new LobuleError('E_UNSUPPORTED', `'${file.path}' has ${fmt.bitsAllocated}-bit pixels`, 'Only 8, 16 and 32 bits allocated are read');
  }
  if (NATIVE.has(ts) || ts === '') {
    const start = el.dataOffset + frame * pixels * bytesPer;
    if (start + pixels * bytesPer > file.dataSet.byteArray.length) throw new LobuleError('E_CORRUPT', `'${file.path}': pixel data is shorter than ${file.rows}×${file.columns} pixels`, 'The file is truncated; copy it again');
    const bytes = copyBytes(file.dataSet.byteArray.subarray(start, start + pixels * bytesPer));
    if (ts === TS.explicitBE && bytesPer > 1) {
      const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytesPer === 2) b.swap16();
      else b.swap32();
    }
    return typed(bytes, fmt.bitsAllocated, fmt.signed);
  }
  const encoded = await encodedFrame(file, frame);
  let bytes: Uint8Array;
  if (ts === TS.rle) bytes = decodeRle(encoded, file.rows * file.columns, bytesPer, fmt.samples);
  else if (ts === TS.jpegLossless || ts === TS.jpegLosslessSV1) bytes = decodeJpegLossless(encoded, bytesPer);
  else if (ts === TS.jpeg2000Lossless || ts === TS.jpeg2000) bytes = (await decodeJpeg2000(encoded)).bytes;
  else if (ts === TS.jpegLs || ts === TS.jpegLsNearLossless) bytes = (await decodeJpegLs(encoded)).bytes;
  else throw new LobuleError('E_UNSUPPORTED', `'${file.path}' uses transfer syntax ${ts}, which Lobule cannot decode`, 'Convert the series to uncompressed, RLE, JPEG Lossless, JPEG-LS or JPEG 2000 (e.g. with dcmdjpeg/gdcmconv)');
  if (bytes.byteLength < pixels * bytesPer) throw new LobuleError('E_CORRUPT', `'${file.path}': decoded frame has ${bytes.byteLength} bytes, expected ${pixels * bytesPer}`);
  return typed(bytes.subarray(0, pixels * bytesPer), fmt.bitsAllocated, fmt.signed);
}
