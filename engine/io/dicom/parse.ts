/** One DICOM file parsed with dicom-parser, plus the attributes Lobule reads from it. */
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';

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

export interface DicomFile {
  readonly path: string;
  readonly dataSet: DataSet;
  readonly transferSyntax: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly seriesUid: string;
  readonly studyUid: string;
  readonly modality: string;
  readonly seriesDescription: string;
  readonly seriesNumber: number | undefined;
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  readonly hasPixels: boolean;
  readonly position: number[] | undefined;
  readonly orientation: number[] | undefined;
  readonly pixelSpacing: number[] | undefined;
  readonly sliceThickness: number | undefined;
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

/** Parses bytes as DICOM Part 10; returns null when the bytes are not DICOM (other files in a folder are skipped). */
export function parseDicomBytes(path: string, bytes: Uint8Array): DicomFile | null {
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') return null;
  const dataSet = dicomParser.parseDicom(bytes);
  const ds = dataSet;
  return {
    path,
    dataSet,
    transferSyntax: str(ds, 'x00020010'),
    // some files leave SOPClassUID empty and carry only the file-meta copy (TotalSegmentator's example series)
    sopClassUid: str(ds, 'x00080016') || str(ds, 'x00020002'),
    sopInstanceUid: str(ds, 'x00080018') || str(ds, 'x00020003'),
    seriesUid: str(ds, 'x0020000e'),
    studyUid: str(ds, 'x0020000d'),
    modality: str(ds, 'x00080060'),
    seriesDescription: str(ds, 'x0008103e'),
    seriesNumber: ds.intString('x00200011'),
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    frames: ds.intString('x00280008') ?? 1,
    hasPixels: ds.elements.x7fe00010 !== undefined,
    position: numbers(ds, 'x00200032'),
    orientation: numbers(ds, 'x00200037'),
    pixelSpacing: numbers(ds, 'x00280030'),
    sliceThickness: ds.floatString('x00180050'),
  };
}
