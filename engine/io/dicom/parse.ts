/**
 * One DICOM file parsed with dicom-parser, plus the attributes Lobule reads from it: the pixel layout (bits
 * allocated/stored, high bit, sign) and one image plane per frame (position, orientation, spacing, rescale) taken
 * from the classic attributes or, for enhanced multi-frame objects, from the per-frame functional groups.
 *
 * dicom-parser throws strings and `{exception, dataSet}` objects, not Errors; every call into it is wrapped here
 * so a damaged file becomes a LobuleError that names the file (never "[object Object]").
 */
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { LobuleError } from '../../errors.js';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLs: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
} as const;

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

export interface PixelLayout {
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  readonly signed: boolean;
  readonly samples: number;
}

export interface Rescale {
  readonly slope: number;
  readonly inter: number;
}

/** Where one frame lies and how its stored values become modality values (HU for CT). */
export interface ImagePlane {
  readonly frame: number;
  readonly position: number[] | undefined;
  readonly orientation: number[] | undefined;
  readonly pixelSpacing: number[] | undefined;
  readonly sliceThickness: number | undefined;
  readonly rescale: Rescale;
}

/** How the file's bytes were recognised; anything but 'part10' is legal in practice but not Part 10. */
export type DicomEncoding = 'part10' | 'no-preamble' | 'no-file-meta';

export interface DicomFile {
  readonly path: string;
  readonly dataSet: DataSet;
  readonly encoding: DicomEncoding;
  readonly transferSyntax: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly seriesUid: string;
  readonly studyUid: string;
  readonly frameOfReferenceUid: string;
  readonly modality: string;
  readonly seriesDescription: string;
  readonly seriesNumber: number | undefined;
  readonly instanceNumber: number | undefined;
  readonly imageType: string[];
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  readonly hasPixels: boolean;
  readonly pixel: PixelLayout;
  /** One plane per frame (classic single-frame files: one). */
  readonly planes: ImagePlane[];
  /** True for an enhanced multi-frame object (per-frame functional groups present). */
  readonly enhanced: boolean;
  readonly position: number[] | undefined;
  readonly orientation: number[] | undefined;
  readonly pixelSpacing: number[] | undefined;
  readonly sliceThickness: number | undefined;
  /**
   * Set when only the header was read (parseDicomBytes with headerOnly): the native pixel data lies in this file at
   * this byte offset and is read from disk frame by frame, never held whole in memory.
   */
  readonly pixelsInFile?: { readonly path: string; readonly offset: number; readonly length: number };
}

/** Text of anything dicom-parser (or a codec) throws: Errors, strings and `{exception}` objects alike. */
export function thrownText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'exception' in e) return thrownText((e as { exception: unknown }).exception);
  try {
    const json = JSON.stringify(e);
    return json && json !== '{}' ? json : String(e);
  } catch {
    return String(e);
  }
}

export function numbers(ds: DataSet, tag: string): number[] | undefined {
  const s = ds.string(tag);
  if (!s) return undefined;
  const parts = s.split('\\').map((x) => Number(x.trim()));
  return parts.every(Number.isFinite) ? parts : undefined;
}

export function str(ds: DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim();
}

function item(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

const VRS = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FL',
  'FD',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
]);

interface Sniffed {
  readonly encoding: DicomEncoding;
  readonly bytes: Uint8Array;
  /** Transfer syntax to assume when the file carries no file meta information. */
  readonly rawSyntax?: string;
}

/**
 * Recognises Part 10 files and the two preamble-less forms dcm2niix also reads: the file meta group written
 * without the 128-byte preamble (with or without "DICM"), and a bare data set starting at group 0008
 * (ACR-NEMA style, no file meta at all; explicit or implicit VR little endian, told apart by the VR letters).
 */
function sniff(bytes: Uint8Array): Sniffed | null {
  const u16 = (o: number) => bytes[o] | (bytes[o + 1] << 8);
  const ascii = (o: number, n: number) => String.fromCharCode(...bytes.subarray(o, o + n));
  if (bytes.length >= 132 && ascii(128, 4) === 'DICM') return { encoding: 'part10', bytes };
  const pad = (prefix: Uint8Array) => {
    const b = Buffer.alloc(prefix.length + bytes.length);
    b.set(prefix);
    b.set(bytes, prefix.length);
    return b;
  };
  if (bytes.length >= 12 && ascii(0, 4) === 'DICM' && u16(4) === 0x0002)
    return { encoding: 'no-preamble', bytes: pad(new Uint8Array(128)) };
  if (bytes.length < 8) return null;
  const group = u16(0);
  const vrLike = VRS.has(ascii(4, 2));
  if (group === 0x0002 && vrLike) {
    const prefix = new Uint8Array(132);
    prefix.set([0x44, 0x49, 0x43, 0x4d], 128);
    return { encoding: 'no-preamble', bytes: pad(prefix) };
  }
  if (group === 0x0008 && u16(2) < 0x0100) {
    return { encoding: 'no-file-meta', bytes, rawSyntax: vrLike ? TS.explicitLE : TS.implicitLE };
  }
  return null;
}

function rescaleIn(ds: DataSet | undefined): Rescale | undefined {
  if (!ds) return undefined;
  const slope = ds.floatString('x00281053');
  const inter = ds.floatString('x00281052');
  if (slope === undefined && inter === undefined) return undefined;
  return {
    slope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    inter: inter !== undefined && Number.isFinite(inter) ? inter : 0,
  };
}

/** Per-frame functional groups first, then shared ones, then the classic top-level attributes (PS3.3 C.7.6.16). */
function enhancedPlanes(ds: DataSet, frames: number, top: ImagePlane): ImagePlane[] {
  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements.x52009230?.items ?? [];
  const planes: ImagePlane[] = [];
  for (let f = 0; f < frames; f++) {
    const own = perFrame[f]?.dataSet;
    const pick = (seq: string, tag: string) => {
      const fromOwn = item(own, seq);
      const v = fromOwn ? numbers(fromOwn, tag) : undefined;
      if (v) return v;
      const fromShared = item(shared, seq);
      return fromShared ? numbers(fromShared, tag) : undefined;
    };
    planes.push({
      frame: f,
      position: pick('x00209113', 'x00200032') ?? (frames === 1 ? top.position : undefined),
      orientation: pick('x00209116', 'x00200037') ?? top.orientation,
      pixelSpacing: pick('x00289110', 'x00280030') ?? top.pixelSpacing,
      sliceThickness: pick('x00289110', 'x00180050')?.[0] ?? top.sliceThickness,
      rescale: rescaleIn(item(own, 'x00289145')) ?? rescaleIn(item(shared, 'x00289145')) ?? top.rescale,
    });
  }
  return planes;
}

const NATIVE_SYNTAXES = new Set<string>([TS.implicitLE, TS.explicitLE, TS.explicitBE]);

function describe(path: string, sniffed: Sniffed, headerOnly: boolean): DicomFile {
  const opts = { ...(sniffed.rawSyntax ? { TransferSyntaxUID: sniffed.rawSyntax } : {}), ...(headerOnly ? { untilTag: 'x7fe00010' } : {}) };
  const ds = dicomParser.parseDicom(sniffed.bytes, opts);
  const frames = Math.max(1, ds.intString('x00280008') ?? 1);
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const top: ImagePlane = {
    frame: 0,
    position: numbers(ds, 'x00200032'),
    orientation: numbers(ds, 'x00200037'),
    pixelSpacing: numbers(ds, 'x00280030'),
    sliceThickness: ds.floatString('x00180050'),
    rescale: rescaleIn(ds) ?? { slope: 1, inter: 0 },
  };
  const enhanced = ds.elements.x52009230 !== undefined || ds.elements.x52009229 !== undefined;
  const planes = enhanced ? enhancedPlanes(ds, frames, top) : [top];
  return {
    path,
    dataSet: ds,
    encoding: sniffed.encoding,
    transferSyntax: sniffed.rawSyntax ?? str(ds, 'x00020010'),
    // some files leave SOPClassUID empty and carry only the file-meta copy (TotalSegmentator's example series)
    sopClassUid: str(ds, 'x00080016') || (sniffed.rawSyntax ? '' : str(ds, 'x00020002')),
    sopInstanceUid: str(ds, 'x00080018') || (sniffed.rawSyntax ? '' : str(ds, 'x00020003')),
    seriesUid: str(ds, 'x0020000e'),
    studyUid: str(ds, 'x0020000d'),
    frameOfReferenceUid: str(ds, 'x00200052'),
    modality: str(ds, 'x00080060'),
    seriesDescription: str(ds, 'x0008103e'),
    seriesNumber: ds.intString('x00200011'),
    instanceNumber: ds.intString('x00200013'),
    imageType: str(ds, 'x00080008')
      .split('\\')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    frames,
    hasPixels: ds.elements.x7fe00010 !== undefined,
    pixel: {
      bitsAllocated,
      bitsStored,
      highBit: ds.uint16('x00280102') ?? bitsStored - 1,
      signed: (ds.uint16('x00280103') ?? 0) === 1,
      samples: ds.uint16('x00280002') ?? 1,
    },
    planes,
    enhanced,
    position: planes[0].position,
    orientation: planes[0].orientation,
    pixelSpacing: planes[0].pixelSpacing,
    sliceThickness: planes[0].sliceThickness,
    ...(headerOnly ? { pixelsInFile: pixelsInFile(path, ds, sniffed) } : {}),
  };
}

/** Where a header-only parse found native pixel data; throws when it did not (the caller then reads the whole file). */
function pixelsInFile(path: string, ds: DataSet, sniffed: Sniffed): { path: string; offset: number; length: number } {
  const el = ds.elements.x7fe00010;
  const ts = str(ds, 'x00020010');
  if (sniffed.encoding !== 'part10' || !el || el.hadUndefinedLength || !NATIVE_SYNTAXES.has(ts))
    throw new Error('pixel data not found in the header');
  return { path, offset: el.dataOffset, length: el.length };
}

/** Why `bytes` are not DICOM, or null when they look like DICOM (Part 10 or a preamble-less form). */
export function notDicomReason(bytes: Uint8Array): string | null {
  return sniff(bytes) ? null : 'not a DICOM file (no "DICM" marker at byte 128 and no DICOM data set at the start)';
}

/**
 * Parses bytes as DICOM (Part 10, or without preamble / file meta); returns null when the bytes are not DICOM.
 * `headerOnly`: the bytes are the start of a Part 10 file with native pixel data; parsing stops at the pixel data
 * and the result says where it lies (pixelsInFile). Anything else throws, and the caller reads the whole file.
 * @throws LobuleError E_CORRUPT naming the file when the bytes look like DICOM but cannot be parsed.
 */
export function parseDicomBytes(path: string, bytes: Uint8Array, options: { headerOnly?: boolean } = {}): DicomFile | null {
  const sniffed = sniff(bytes);
  if (!sniffed) return null;
  try {
    return describe(path, sniffed, options.headerOnly ?? false);
  } catch (e) {
    if (sniffed.encoding === 'no-file-meta') return null; // a guess from two bytes: unparseable means "not DICOM"
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' is a DICOM file but cannot be read: ${thrownText(e)}`,
      'The file is damaged or truncated; copy it again or remove it from the folder',
      { cause: e },
    );
  }
}
