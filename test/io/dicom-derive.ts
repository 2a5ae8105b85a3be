/**
 * Derives DICOM test files from the real slices of the shared corpus with dcmjs: read a real file, change its
 * attributes or pixel data in memory, write it to a temp folder. Each reading class gets a file that exercises it
 * while staying a real CT slice (real header, real anatomy), as the conformance corpus does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import dcmjs from 'dcmjs';
import { sharedData } from '../helpers/data.js';

const { DicomMessage, DicomMetaDictionary, DicomDict } = dcmjs.data;
dcmjs.log.setLevel('error'); // private tags of the real files are "unknown names" to dcmjs; not worth a line each

export type Dataset = Record<string, unknown> & { PixelData?: ArrayBuffer[] };

export interface RealFile {
  meta: Dataset;
  ds: Dataset;
}

export const CT3 = ['01.dcm', '02.dcm', '03.dcm'].map((n) => `dcmqi/ct-3slice/${n}`);

export function readReal(relative: string): RealFile {
  const buf = readFileSync(relative.startsWith('/') ? relative : sharedData(relative));
  const dict = DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return {
    meta: DicomMetaDictionary.naturalizeDataset(dict.meta) as Dataset,
    ds: DicomMetaDictionary.naturalizeDataset(dict.dict) as Dataset,
  };
}

/** Part 10 bytes of a (changed) file; explicit VR little endian unless `transferSyntax` says otherwise. */
export function encode(f: RealFile, transferSyntax = '1.2.840.10008.1.2.1'): Buffer {
  const meta = {
    ...f.meta,
    TransferSyntaxUID: transferSyntax,
    MediaStorageSOPInstanceUID: f.ds.SOPInstanceUID ?? f.meta.MediaStorageSOPInstanceUID,
  };
  const out = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  out.dict = DicomMetaDictionary.denaturalizeDataset(f.ds);
  return Buffer.from(out.write({ fragmentMultiframe: false }));
}

export function writeDerived(path: string, f: RealFile, transferSyntax?: string): void {
  writeFileSync(path, encode(f, transferSyntax));
}

/** The stored int16 pixels of a real uncompressed slice (a copy). */
export function storedInt16(f: RealFile): Int16Array {
  const ab = (f.ds.PixelData as ArrayBuffer[])[0];
  return new Int16Array(ab.slice(0));
}

export function setPixels(f: RealFile, px: Int16Array | Uint16Array | Uint8Array): void {
  f.ds.PixelData = [px.buffer.slice(px.byteOffset, px.byteOffset + px.byteLength) as ArrayBuffer];
}

export function newUid(tail: string | number): string {
  return `2.25.${Date.now() % 1e9}${String(tail).replace(/\D/g, '')}${Math.floor(Math.random() * 1e6)}`;
}

const require = createRequire(import.meta.url);
interface Encoder {
  getDecodedBuffer(info: object): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

/** JPEG-LS (CharLS, lossless) of raw samples written as `bitsPerSample`-bit unsigned values. */
export async function jpegLsEncode(samples: Uint16Array, width: number, height: number, bitsPerSample: number): Promise<Uint8Array> {
  const m = await (require('@cornerstonejs/codec-charls/wasmjs') as (o: object) => Promise<{ JpegLSEncoder: new () => Encoder }>)({
    print() {},
    printErr() {},
  });
  const e = new m.JpegLSEncoder();
  try {
    e.getDecodedBuffer({ width, height, bitsPerSample, componentCount: 1, isSigned: false }).set(
      new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
    );
    e.encode();
    return e.getEncodedBuffer().slice();
  } finally {
    e.delete();
  }
}

/** DICOM RLE Lossless of 16-bit samples (PS3.5 G): two byte planes, each PackBits with literal runs only. */
export function rleEncode16(samples: Uint16Array): Uint8Array {
  const plane = (shift: number) => {
    const bytes = Uint8Array.from(samples, (v) => (v >> shift) & 0xff);
    const out: number[] = [];
    for (let p = 0; p < bytes.length; p += 128) {
      const n = Math.min(128, bytes.length - p);
      out.push(n - 1, ...bytes.subarray(p, p + n));
    }
    if (out.length % 2) out.push(0x80); // segments are even-length; −128 is a no-op
    return out;
  };
  const hi = plane(8),
    lo = plane(0);
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, 2, true);
  header.setUint32(4, 64, true);
  header.setUint32(8, 64 + hi.length, true);
  const out = new Uint8Array(64 + hi.length + lo.length);
  out.set(new Uint8Array(header.buffer));
  out.set(hi, 64);
  out.set(lo, 64 + hi.length);
  return out;
}
