/** DICOM folder → series summaries, and one image series → Volume (sorted, rescaled, RAS+, dcm2niix layout). */
import { LobuleError } from '../../errors.js';
import type { Volume } from '../../common/volume.js';
import { readDicomFolder } from './folder.js';
import { SEG_SOP_CLASS, type DicomFile } from './parse.js';
import { decodeFrame, pixelFormat, SUPPORTED_SYNTAXES, type StoredPixels } from './pixels.js';
import { sortSlices } from './geometry.js';

export interface SeriesSummary {
  readonly seriesUid: string;
  readonly studyUid: string;
  readonly seriesNumber: number | undefined;
  readonly description: string;
  readonly modality: string;
  /** Number of files (slices, or frames' files for SEG) in the series. */
  readonly files: number;
  readonly rows: number;
  readonly columns: number;
  readonly transferSyntax: string;
  readonly isSegmentation: boolean;
  readonly firstFile: string;
}

export interface ReadDicomOptions {
  /** SeriesInstanceUID to read when the folder holds several image series. */
  readonly seriesUid?: string;
}

function groupBySeries(files: DicomFile[]): Map<string, DicomFile[]> {
  const groups = new Map<string, DicomFile[]>();
  for (const f of files) {
    const list = groups.get(f.seriesUid) ?? [];
    list.push(f);
    groups.set(f.seriesUid, list);
  }
  return groups;
}

function summarize(files: DicomFile[]): SeriesSummary {
  const f = files[0];
  return {
    seriesUid: f.seriesUid, studyUid: f.studyUid, seriesNumber: f.seriesNumber, description: f.seriesDescription,
    modality: f.modality, files: files.length, rows: f.rows, columns: f.columns, transferSyntax: f.transferSyntax,
    isSegmentation: f.sopClassUid === SEG_SOP_CLASS, firstFile: f.path,
  };
}

export async function listDicomSeries(dir: string): Promise<SeriesSummary[]> {
  const files = await readDicomFolder(dir);
  return [...groupBySeries(files.filter((f) => f.hasPixels)).values()].map(summarize);
}

export function describeSeries(s: SeriesSummary): string {
  return `${s.seriesUid} (#${s.seriesNumber ?? '?'} ${s.modality} '${s.description}', ${s.files} file${s.files === 1 ? '' : 's'}, ${s.columns}×${s.rows})`;
}

function chooseSeries(dir: string, images: DicomFile[], seriesUid: string | undefined): DicomFile[] {
  const groups = groupBySeries(images);
  if (groups.size === 0) {
    throw new LobuleError('E_NOT_FOUND', `no DICOM images in '${dir}'`, 'Choose the folder that holds the CT series (files with pixel data)');
  }
  const listing = [...groups.values()].map((g) => `  ${describeSeries(summarize(g))}`).join('\n');
  if (seriesUid !== undefined) {
    const chosen = groups.get(seriesUid);
    if (!chosen) throw new LobuleError('E_NOT_FOUND', `series ${seriesUid} is not in '${dir}'; it holds:\n${listing}`, 'Choose one of these with --series UID');
    return chosen;
  }
  if (groups.size > 1) {
    throw new LobuleError('E_INVALID_ARGUMENT', `'${dir}' holds ${groups.size} image series:\n${listing}`, 'Choose one with --series UID (or the seriesUid option)');
  }
  return [...groups.values()][0];
}

/** Reads one image series of `dir` as a volume in dcm2niix's layout (RAS+ affine, rows flipped, slices ascending). */
export async function readDicomSeries(dir: string, options: ReadDicomOptions = {}): Promise<Volume> {
  const files = await readDicomFolder(dir);
  const images = files.filter((f) => f.hasPixels && f.sopClassUid !== SEG_SOP_CLASS);
  const series = chooseSeries(dir, images, options.seriesUid);
  const label = `DICOM series ${series[0].seriesUid} in '${dir}'`;
  for (const f of series) {
    if (!SUPPORTED_SYNTAXES.has(f.transferSyntax)) {
      throw new LobuleError('E_UNSUPPORTED', `'${f.path}' uses transfer syntax ${f.transferSyntax || '(none)'}, which Lobule cannot decode`, 'Convert the series to uncompressed, RLE, JPEG Lossless, JPEG-LS or JPEG 2000 first (e.g. gdcmconv --raw)');
    }
    if (f.frames > 1) throw new LobuleError('E_UNSUPPORTED', `'${f.path}' is a multi-frame (enhanced) image`, 'Convert it to one file per slice (e.g. with dcm2niix) first');
    if (pixelFormat(f).samples !== 1) throw new LobuleError('E_UNSUPPORTED', `'${f.path}' is a colour image`, 'Lobule reads greyscale CT/MR series');
  }
  const { slices, affine } = sortSlices(series, label);
  const stored: StoredPixels[] = [];
  for (const f of slices) stored.push(await decodeFrame(f, 0));
  const data = rescaleInto(slices, stored);
  return { data, dims: [slices[0].columns, slices[0].rows, slices.length], affine };
}

interface Rescale { slope: number; inter: number }

function rescaleOf(f: DicomFile): Rescale {
  const slope = f.dataSet.floatString('x00281053');
  const inter = f.dataSet.floatString('x00281052');
  return { slope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1, inter: inter !== undefined && Number.isFinite(inter) ? inter : 0 };
}

/** Applies Rescale Slope/Intercept while copying slices (rows flipped); int16 when all values fit exactly. */
function rescaleInto(slices: DicomFile[], stored: StoredPixels[]): Int16Array | Uint8Array | Uint16Array | Float32Array {
  const rescales = slices.map(rescaleOf);
  let lo = Infinity, hi = -Infinity;
  stored.forEach((s, n) => {
    let smin = Infinity, smax = -Infinity;
    for (let p = 0; p < s.length; p++) { const v = s[p]; if (v < smin) smin = v; if (v > smax) smax = v; }
    const { slope, inter } = rescales[n];
    for (const v of [smin * slope + inter, smax * slope + inter]) { if (v < lo) lo = v; if (v > hi) hi = v; }
  });
  const integral = rescales.every((r) => Number.isInteger(r.slope) && Number.isInteger(r.inter));
  const unscaled = rescales.every((r) => r.slope === 1 && r.inter === 0);
  const nx = slices[0].columns, ny = slices[0].rows;
  const total = nx * ny * slices.length;
  let out: Int16Array | Uint8Array | Uint16Array | Float32Array;
  if (unscaled && stored[0] instanceof Uint8Array) out = new Uint8Array(total);
  else if (integral && lo >= -32768 && hi <= 32767) out = new Int16Array(total);
  else if (unscaled && stored[0] instanceof Uint16Array) out = new Uint16Array(total);
  else out = new Float32Array(total);
  for (let k = 0; k < slices.length; k++) {
    const s = stored[k];
    const { slope, inter } = rescales[k];
    for (let r = 0; r < ny; r++) {
      const dst = nx * (ny - 1 - r + ny * k);
      const src = r * nx;
      for (let i = 0; i < nx; i++) out[dst + i] = s[src + i] * slope + inter;
    }
  }
  return out;
}
