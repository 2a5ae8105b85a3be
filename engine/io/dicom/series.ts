/**
 * DICOM folder → series summaries, and one image series → Volume (sorted, rescaled, RAS+, dcm2niix layout), with
 * the notes a user must see (skipped files, jitter accepted, tilt corrected) and the source UIDs an export needs.
 */
import { LobuleError } from '../../errors.js';
import type { Affine, Volume } from '../../common/volume.js';
import { validateVolume } from '../validate.js';
import { describeSkipped, readDicomFolder, type SkippedFile } from './folder.js';
import { SEG_SOP_CLASS, str, type DicomFile, type Rescale } from './parse.js';
import { decodeFrame, SUPPORTED_SYNTAXES, type StoredPixels } from './pixels.js';
import { int16SliceWriter } from './int16-slices.js';
import { sortSlices, type Slice } from './geometry.js';
import { untilt } from './tilt.js';
import { displayWindowOf } from './window.js';
import type { DisplayWindow } from '../../common/display-window.js';

export interface SeriesSummary {
  readonly seriesUid: string;
  readonly studyUid: string;
  readonly seriesNumber: number | undefined;
  readonly description: string;
  /** PatientID of the first file ('' when absent, as in anonymised series). */
  readonly patientId: string;
  readonly modality: string;
  /** Number of files (slices, or frames' files for SEG) in the series. */
  readonly files: number;
  readonly rows: number;
  readonly columns: number;
  readonly transferSyntax: string;
  readonly isSegmentation: boolean;
  readonly firstFile: string;
  /** The first file's WindowCenter/WindowWidth (first pair), or null. */
  readonly displayWindow: DisplayWindow | null;
}

export interface ReadDicomOptions {
  /** SeriesInstanceUID to read when the folder holds several image series. */
  readonly seriesUid?: string;
  /**
   * Gantry-tilted series: 'resample' (default, as dcm2niix) shifts each slice onto an orthogonal grid;
   * 'shear' keeps the voxels as stored with a sheared affine (exact, but not expressible as a NIfTI qform).
   */
  readonly tilt?: 'resample' | 'shear';
}

/** What a DICOM SEG export needs to reference the series the labels were drawn on. */
export interface DicomSource {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly frameOfReferenceUid: string;
  readonly modality: string;
  readonly sopClassUid: string;
  /** SOPInstanceUID of the image at volume slice k (k in NIfTI order). */
  readonly instanceUids: string[];
  /** Patient and study attributes to copy into derived objects (keyword → value), as found in the first file. */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DicomSeriesRead {
  readonly volume: Volume;
  /** Things done to read the series that the user should know about (one sentence each). */
  readonly notes: string[];
  readonly skipped: SkippedFile[];
  readonly source: DicomSource;
}

const COPIED_ATTRIBUTES: Record<string, string> = {
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  PatientBirthDate: 'x00100030',
  PatientSex: 'x00100040',
  StudyDate: 'x00080020',
  StudyTime: 'x00080030',
  StudyID: 'x00200010',
  AccessionNumber: 'x00080050',
  ReferringPhysicianName: 'x00080090',
  StudyDescription: 'x00081030',
};

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
    seriesUid: f.seriesUid,
    studyUid: f.studyUid,
    seriesNumber: f.seriesNumber,
    description: f.seriesDescription,
    patientId: str(f.dataSet, COPIED_ATTRIBUTES.PatientID),
    modality: f.modality,
    files: files.length,
    rows: f.rows,
    columns: f.columns,
    transferSyntax: f.transferSyntax,
    isSegmentation: f.sopClassUid === SEG_SOP_CLASS,
    firstFile: f.path,
    displayWindow: displayWindowOf(f.dataSet),
  };
}

/** The series of `dir`, and every file that was skipped with its reason. */
export async function scanDicomSeries(dir: string): Promise<{ series: SeriesSummary[]; skipped: SkippedFile[] }> {
  const { files, skipped } = await readDicomFolder(dir);
  return { series: [...groupBySeries(files.filter((f) => f.hasPixels)).values()].map(summarize), skipped };
}

export async function listDicomSeries(dir: string): Promise<SeriesSummary[]> {
  return (await scanDicomSeries(dir)).series;
}

export function describeSeries(s: SeriesSummary): string {
  return (
    `${s.seriesUid} (#${s.seriesNumber ?? '?'} ${s.modality} '${s.description}', ${s.files} ` +
    `file${s.files === 1 ? '' : 's'}, ${s.columns}×${s.rows})`
  );
}

function chooseSeries(dir: string, images: DicomFile[], skipped: SkippedFile[], seriesUid: string | undefined): DicomFile[] {
  const groups = groupBySeries(images);
  if (groups.size === 0) {
    const why =
      skipped.length > 0
        ? `; ${skipped.length} file${skipped.length === 1 ? ' was' : 's were'} skipped:\n${describeSkipped(skipped)}`
        : ' (the folder holds no files)';
    throw new LobuleError(
      'E_NOT_FOUND',
      `no DICOM images in '${dir}'${why}`,
      'Choose the folder that holds the CT series (files with pixel data)',
    );
  }
  const listing = [...groups.values()].map((g) => `  ${describeSeries(summarize(g))}`).join('\n');
  if (seriesUid !== undefined) {
    const chosen = groups.get(seriesUid);
    if (!chosen)
      throw new LobuleError(
        'E_NOT_FOUND',
        `series ${seriesUid} is not in '${dir}'; it holds:\n${listing}`,
        'Choose one of these with --series UID',
      );
    return chosen;
  }
  if (groups.size > 1) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `'${dir}' holds ${groups.size} image series:\n${listing}`,
      'Choose one with --series UID (or the seriesUid option)',
    );
  }
  return [...groups.values()][0];
}

/** Refuses what this reader cannot turn into a correct volume, saying why; returns the series' 2-D images. */
function slicesOf(series: DicomFile[]): Slice[] {
  const slices: Slice[] = [];
  for (const f of series) {
    if (!SUPPORTED_SYNTAXES.has(f.transferSyntax)) {
      throw new LobuleError(
        'E_UNSUPPORTED',
        `'${f.path}' uses transfer syntax ${f.transferSyntax || '(none)'}, which Lobule cannot decode`,
        'Convert the series to uncompressed, RLE, JPEG Lossless, JPEG-LS or JPEG 2000 first (e.g. gdcmconv --raw)',
      );
    }
    if (f.pixel.samples !== 1)
      throw new LobuleError(
        'E_UNSUPPORTED',
        `'${f.path}' is a colour image (${f.pixel.samples} samples per pixel)`,
        'Lobule reads greyscale CT/MR series',
      );
    if (f.imageType.includes('MOSAIC') || f.dataSet.elements.x0019100a !== undefined) {
      throw new LobuleError(
        'E_UNSUPPORTED',
        `'${f.path}' is a Siemens mosaic: several slices are tiled into one image, and where each lies is in Siemens' private CSA ` +
          `header, which Lobule does not read`,
        'Convert the series with dcm2niix (it unpacks mosaics) and open the NIfTI',
      );
    }
    if (f.frames > 1 && !f.enhanced) {
      throw new LobuleError(
        'E_UNSUPPORTED',
        `'${f.path}' holds ${f.frames} frames without per-frame positions (not an enhanced CT/MR object)`,
        'Convert it to one file per slice (e.g. with dcm2niix or gdcmconv) first',
      );
    }
    if (f.frames === 1) slices.push({ file: f, plane: f.planes[0], name: `'${f.path}'` });
    else for (const plane of f.planes) slices.push({ file: f, plane, name: `'${f.path}' frame ${plane.frame + 1}` });
  }
  return slices;
}

async function prepareSeries(dir: string, options: ReadDicomOptions) {
  const { files, skipped } = await readDicomFolder(dir);
  const images = files.filter((f) => f.hasPixels && f.sopClassUid !== SEG_SOP_CLASS);
  const series = chooseSeries(dir, images, skipped, options.seriesUid);
  const sorted = sortSlices(slicesOf(series), `DICOM series ${series[0].seriesUid} in '${dir}'`);
  return { series, sorted, skipped };
}

/**
 * The source UIDs and the grid a series reads onto, from its headers only (no pixel decoding): what a DICOM SEG
 * export needs to reference the images a label version was drawn on.
 */
export async function readDicomSeriesSource(
  dir: string,
  options: ReadDicomOptions = {},
): Promise<{ source: DicomSource; dims: [number, number, number]; affine: Affine }> {
  const { series, sorted } = await prepareSeries(dir, options);
  const f = sorted.slices[0].file;
  const resample = sorted.tilt && (options.tilt ?? 'resample') === 'resample';
  return {
    source: sourceOf(series[0], sorted.slices),
    dims: [f.columns, f.rows, sorted.slices.length],
    affine: resample ? sorted.tilt!.orthogonalAffine : sorted.affine,
  };
}

/** Reads one image series of `dir` with its notes, skipped files and source UIDs (dcm2niix layout, RAS+). */
export async function readDicomSeriesWithReport(dir: string, options: ReadDicomOptions = {}): Promise<DicomSeriesRead> {
  const { series, sorted, skipped } = await prepareSeries(dir, options);
  const notes = [...sorted.notes];
  if (skipped.length > 0)
    notes.push(`${skipped.length} file${skipped.length === 1 ? ' was' : 's were'} skipped:\n${describeSkipped(skipped)}`);
  const preambleless = series.filter((f) => f.encoding !== 'part10').length;
  if (preambleless > 0)
    notes.push(
      `${preambleless} file${preambleless === 1 ? ' has' : 's have'} no DICOM preamble or file meta header; read ` +
        `as ${series.find((f) => f.encoding !== 'part10')?.transferSyntax}`,
    );
  const { slices } = sorted;
  const nx = slices[0].file.columns,
    ny = slices[0].file.rows,
    nz = slices.length;
  // one frame buffer reused for every slice: each is copied into the volume before the next is read
  const scratch = new Uint8Array(nx * ny * Math.max(...slices.map((s) => s.file.pixel.bitsAllocated / 8)));
  let data = await rescaleInto(nx, ny, slices, scratch);
  let affine: Affine = sorted.affine;
  if (sorted.tilt) {
    const t = sorted.tilt;
    if ((options.tilt ?? 'resample') === 'resample') {
      let fill = Infinity;
      for (let p = 0; p < data.length; p++) if (data[p] < fill) fill = data[p];
      data = untilt(data, nx, ny, nz, t.shifts, fill);
      affine = t.orthogonalAffine;
      notes.push(
        `gantry tilt of ${t.degrees.toFixed(2)}° corrected: slices were shifted in-plane onto an orthogonal grid (as dcm2niix ` +
          `does); voxels that came from outside a slice hold ${fill}`,
      );
    } else {
      notes.push(
        `gantry tilt of ${t.degrees.toFixed(2)}° kept as a sheared affine; NIfTI readers that use the qform (ITK, SimpleITK, ` +
          `Slicer) will misplace it`,
      );
    }
  }
  const volume = validateVolume({ data, dims: [nx, ny, nz] as const, affine }, { file: dir, what: 'DICOM series' });
  return { volume, notes, skipped, source: sourceOf(series[0], slices) };
}

/** Reads one image series of `dir` as a volume in dcm2niix's layout (RAS+ affine, rows flipped, slices ascending). */
export async function readDicomSeries(dir: string, options: ReadDicomOptions = {}): Promise<Volume> {
  return (await readDicomSeriesWithReport(dir, options)).volume;
}

function sourceOf(first: DicomFile, slices: Slice[]): DicomSource {
  const attributes: Record<string, string> = {};
  for (const [keyword, tag] of Object.entries(COPIED_ATTRIBUTES)) {
    const v = str(first.dataSet, tag);
    if (v) attributes[keyword] = v;
  }
  return {
    studyUid: first.studyUid,
    seriesUid: first.seriesUid,
    frameOfReferenceUid: first.frameOfReferenceUid,
    modality: first.modality,
    sopClassUid: first.sopClassUid,
    instanceUids: slices.map((s) => s.file.sopInstanceUid),
    attributes,
  };
}

/** Copies slice `s` (rows flipped) into `out` at slice k with slope/intercept; returns the min and max written. */
function copySlice(
  out: Int16Array | Uint8Array | Uint16Array | Float32Array,
  s: StoredPixels,
  k: number,
  nx: number,
  ny: number,
  r: Rescale,
): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  const { slope, inter } = r;
  for (let row = 0; row < ny; row++) {
    const dst = nx * (ny - 1 - row + ny * k);
    const src = row * nx;
    for (let i = 0; i < nx; i++) {
      const v = s[src + i] * slope + inter;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      out[dst + i] = v;
    }
  }
  return [lo, hi];
}

const INT16_MIN = -32768,
  INT16_MAX = 32767;

/**
 * Applies Rescale Slope/Intercept while copying slices (rows flipped): uint8 for unscaled 8-bit data, int16 when
 * every value fits exactly (CT), uint16 for unscaled 16-bit data that does not, float32 otherwise. The int16 case
 * is tried in one pass because it is the common one and the pass is the read's cost: 16-bit slices with slope 1 are
 * decoded into the SIMD writer's own memory and placed by it; other slices (and any it refuses) go through copySlice.
 */
async function rescaleInto(
  nx: number,
  ny: number,
  slices: Slice[],
  scratch: Uint8Array,
): Promise<Int16Array | Uint8Array | Uint16Array | Float32Array> {
  const decode = (k: number) => decodeFrame(slices[k].file, slices[k].plane.frame, scratch);
  const rescales = slices.map((s) => s.plane.rescale);
  const integral = rescales.every((r) => Number.isInteger(r.slope) && Number.isInteger(r.inter));
  const unscaled = rescales.every((r) => r.slope === 1 && r.inter === 0);
  const unsignedOf = (bits: number) => slices.every((s) => s.file.pixel.bitsAllocated === bits && !s.file.pixel.signed);
  const total = nx * ny * slices.length;
  if (unscaled && unsignedOf(8)) {
    const out = new Uint8Array(total);
    for (let k = 0; k < slices.length; k++) copySlice(out, await decode(k), k, nx, ny, rescales[k]);
    return out;
  }
  if (integral) {
    const out = new Int16Array(total);
    const writer = int16SliceWriter(nx, ny);
    let fits = true;
    for (let k = 0; k < slices.length && fits; k++) {
      const { file, plane } = slices[k];
      const r = rescales[k];
      if (writer && file.pixel.bitsAllocated === 16 && r.slope === 1 && r.inter >= INT16_MIN && r.inter <= INT16_MAX) {
        const stored = await decodeFrame(file, plane.frame, writer.input);
        if ((stored instanceof Int16Array || stored instanceof Uint16Array) && writer.place(out, k, stored, r.inter)) continue;
      }
      const [lo, hi] = copySlice(out, await decode(k), k, nx, ny, r);
      fits = lo >= INT16_MIN && hi <= INT16_MAX;
    }
    if (fits) return out;
  }
  // rare: values beyond int16; the frames are decoded again rather than all held in memory
  const out = unscaled && unsignedOf(16) ? new Uint16Array(total) : new Float32Array(total);
  for (let k = 0; k < slices.length; k++) copySlice(out, await decode(k), k, nx, ny, rescales[k]);
  return out;
}
