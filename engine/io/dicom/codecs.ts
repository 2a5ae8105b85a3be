/**
 * Compressed-frame decoders: the Cornerstone WASM codecs (OpenJPEG for JPEG 2000, CharLS for JPEG-LS). JPEG Lossless
 * (jpeg-lossless.ts) and RLE Lossless (rle.ts) are decoded by hand: see those files for why.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => WasmDecoder;
}
interface CharlsModule {
  JpegLSDecoder: new () => WasmDecoder;
}

type EmscriptenFactory<T> = (options: { print(s: string): void; printErr(s: string): void }) => Promise<T>;
// OpenJPEG logs "[INFO] ..." lines for every frame to stdout, which would corrupt `lobule info --json`
const QUIET = { print: () => undefined, printErr: () => undefined };

let openjpeg: Promise<OpenJpegModule> | undefined;
let charls: Promise<CharlsModule> | undefined;

function loadOpenJpeg(): Promise<OpenJpegModule> {
  openjpeg ??= (require('@cornerstonejs/codec-openjpeg/decodewasmjs') as EmscriptenFactory<OpenJpegModule>)(QUIET);
  return openjpeg;
}

function loadCharls(): Promise<CharlsModule> {
  charls ??= (require('@cornerstonejs/codec-charls/decodewasmjs') as EmscriptenFactory<CharlsModule>)(QUIET);
  return charls;
}

export interface DecodedFrame {
  /** Raw samples in machine byte order: 1 byte (8-bit) or 2 bytes (16-bit) per pixel. */
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
}

function runWasm(decoder: WasmDecoder, encoded: Uint8Array): DecodedFrame {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // the decoded buffer is a view into WASM memory; copy before the decoder is freed
    const bytes = decoder.getDecodedBuffer().slice();
    return { bytes, width: info.width, height: info.height, bitsPerSample: info.bitsPerSample };
  } finally {
    decoder.delete();
  }
}

export async function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedFrame> {
  const m = await loadOpenJpeg();
  return runWasm(new m.J2KDecoder(), encoded);
}

export async function decodeJpegLs(encoded: Uint8Array): Promise<DecodedFrame> {
  const m = await loadCharls();
  return runWasm(new m.JpegLSDecoder(), encoded);
}
