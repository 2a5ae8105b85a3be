/**
 * Importing cases into a workspace. Each case is checked in full (image readable, labels on the image's grid,
 * label map applied) before anything is written, so a refused case leaves no trace; a case that fails does not
 * stop the others, and the report says why it was skipped.
 */
import { join, resolve } from 'node:path';
import { LobuleError } from '../errors.js';
import { gridsEqual } from '../common/affine.js';
import { valueRange, type LabelVolume, type Volume } from '../common/volume.js';
import { copyFileAtomic, fsyncDir } from '../io/atomic.js';
import { sha256File } from '../io/hash.js';
import { looksLikeLabel } from './import-checks.js';
import { planImport, isDir, type ImportFormat, type ImportItem } from './dataset-layout.js';
import { applyLabelMap, formatLabelMap, labelLut, toLabelMap, type LabelMap } from './labelmap.js';
import { describeGrid, geometryOf } from './labels.js';
import type { CaseStatus, LabelSource } from './manifest.js';
import { scanDicomSeries, type SeriesSummary } from '../io/dicom/index.js';
import { dicomFileWindow } from '../io/dicom/file-window.js';
import { loadLabelsOnto, loadVolume } from '../io/load.js';
import { writeNifti } from '../io/nifti-write.js';
import type { SavedVersion, Workspace } from './workspace.js';
import type { UploadedPaths } from '../api/upload-wire.js';
import { reportInUploadNames, uploadedFileOrigin, uploadedSeries } from './upload-origin.js';

export interface ImportOptions {
  /** Dataset layout; 'auto' reads dataset.json to tell MSD from nnU-Net v2. Default 'auto'. */
  readonly format?: ImportFormat;
  /** Applied to imported labels: a parsed `2:1` / `5:1,*:0`, or a plain Map (unlisted values kept). */
  readonly labelMap?: LabelMap | ReadonlyMap<number, number>;
  /** Status of cases imported with labels. Default 'verified' (a dataset's reference labels). */
  readonly labelStatus?: CaseStatus;
  /**
   * Import images that look like label maps (see import-checks.ts) anyway: the user answered "it is an image".
   * Default false: such files are held back in `looksLikeLabel` for the user to choose.
   */
  readonly acceptLabelLikeImages?: boolean;
  /** The paths are a `lobule serve` upload's: cases record what the user uploaded as origin (upload-origin.ts). */
  readonly upload?: UploadedPaths;
}

/** An item to import as one case; `uploadedOrigin`: an uploaded series' origin, known where its folder is scanned. */
type CaseItem = ImportItem & { readonly uploadedOrigin?: string };

/** An "image" held back because its voxels look like a label map; the user decides what it is. */
export interface LabelLikeImage {
  readonly path: string;
  readonly reason: string;
  /** Cases whose image grid equals this file's: where it could go as a label. */
  readonly sameGridCases: readonly string[];
}

export interface ImportedCase {
  readonly caseId: string;
  readonly origin: string;
  /** The label version made from the dataset's labels, or null for an image-only case. */
  readonly labelVersion: string | null;
  /** An earlier case with the very same image file (sha256): reported, since the two could land in different splits. */
  readonly duplicateOf?: string;
}

export interface ImportReport {
  readonly format: 'msd' | 'nnunet' | 'files';
  readonly imported: ImportedCase[];
  readonly skipped: { readonly path: string; readonly reason: string }[];
  readonly notices: string[];
  /** Images not imported because they look like label maps (not errors: a question for the user). */
  readonly looksLikeLabel: LabelLikeImage[];
}

/** Thrown inside importOne to hold a label-like image back (caught by importPaths, never escapes). */
class HeldBack {
  constructor(readonly item: LabelLikeImage) {}
}

/** Expands DICOM folders into one item per series, and gives a lone DICOM file its window. */
async function expandDicom(item: ImportItem, notices: string[], upload: UploadedPaths | undefined): Promise<CaseItem[]> {
  if (!(await isDir(item.imagePath))) {
    // a DICOM file on its own stands for its series (loadVolume) and opens at its own window, as its folder would
    const displayWindow = await dicomFileWindow(item.imagePath);
    return [displayWindow ? { ...item, displayWindow } : item];
  }
  // DICOM SEG objects are labels, not images to segment; one case per image series.
  const scan = await scanDicomSeries(item.imagePath);
  const series = scan.series.filter((s) => !s.isSegmentation);
  // every file a DICOM folder import leaves out is named with its reason (not DICOM, damaged, unreadable)
  for (const f of scan.skipped) notices.push(`${f.path} was skipped: ${f.reason}`);
  if (series.length === 0) {
    throw new LobuleError(
      'E_NOT_FOUND',
      `${item.imagePath} holds no volume files and no DICOM series${
        scan.skipped.length ? ` (${scan.skipped.length} file(s) skipped, see the notices)` : ''
      }`,
      'Pass a NIfTI/NRRD file, a DICOM folder, or an MSD / nnU-Net dataset folder',
    );
  }
  return series.map((s, i) => ({
    suggestedId: series.length === 1 ? item.suggestedId : `${item.suggestedId}_s${i + 1}`,
    imagePath: item.imagePath,
    seriesUid: s.seriesUid,
    ...(s.displayWindow ? { displayWindow: s.displayWindow } : {}),
    ...(upload ? uploadedAs(upload, item.imagePath, s, series.length) : {}),
  }));
}

/** An uploaded series' origin, and its case name when its files came without their folder. */
function uploadedAs(upload: UploadedPaths, dir: string, s: SeriesSummary, count: number): Partial<CaseItem> {
  const { origin, suggestedId } = uploadedSeries(upload, dir, s, count);
  return { uploadedOrigin: origin, ...(suggestedId ? { suggestedId } : {}) };
}

export function sanitizeCaseId(raw: string): string {
  const s = raw.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return s.length > 0 ? s.slice(0, 100) : 'case';
}

// Ids name files (images/<id>.nii.gz), so they are compared without case: on macOS and Windows 'Liver' and
// 'liver' are the same file.
function uniqueId(wanted: string, taken: ReadonlySet<string>): string {
  const takenLower = new Set([...taken].map((id) => id.toLowerCase()));
  const base = sanitizeCaseId(wanted);
  if (!takenLower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!takenLower.has(`${base}_${n}`.toLowerCase())) return `${base}_${n}`;
}

function originOf(item: ImportItem): string {
  return item.seriesUid ? `${item.imagePath}#${item.seriesUid}` : item.imagePath;
}

async function loadCheckedLabels(item: ImportItem, image: Volume, map: LabelMap | undefined): Promise<LabelVolume> {
  const labelPath = item.labelPath!;
  const labels = await loadLabelsOnto(labelPath, image);
  if (!gridsEqual(labels, image)) {
    throw new LobuleError(
      'E_GEOMETRY',
      `labels '${labelPath}' are not on the image's voxel grid: labels ${describeGrid(labels)}; image ${describeGrid(image)}`,
      'Labels must be on the image’s voxel grid',
    );
  }
  return map ? { ...labels, data: applyLabelMap(labels.data, map) } : labels;
}

/**
 * Stores the image as images/<id>.nii.gz: a .nii.gz source is copied byte for byte (no re-encoding, no change),
 * anything else (NIfTI uncompressed, NRRD, DICOM) is written as NIfTI from the loaded volume.
 */
async function storeImage(ws: Workspace, item: ImportItem, image: Volume, id: string): Promise<{ rel: string; sha256: string }> {
  const rel = `images/${id}.nii.gz`;
  const abs = join(ws.dir, rel);
  if (!item.seriesUid && item.imagePath.toLowerCase().endsWith('.nii.gz')) {
    await copyFileAtomic(item.imagePath, abs);
  } else {
    await writeNifti(abs, image); // atomic and fsynced by engine/io
    await fsyncDir(join(ws.dir, 'images'));
  }
  return { rel, sha256: await sha256File(abs) };
}

async function importOne(ws: Workspace, item: CaseItem, options: ImportOptions, map: LabelMap | undefined): Promise<ImportedCase> {
  // held-back and skipped files are named by their path, which the user can import again; the case records its origin
  const path = originOf(item);
  const upload = options.upload;
  const origin = upload ? (item.uploadedOrigin ?? uploadedFileOrigin(upload, item.imagePath)) : path;
  // uploaded names repeat (every patient's 'image.nii.gz'); a twin image is still reported, by its sha256
  const existing = upload ? undefined : ws.cases().find((c) => c.origin === origin);
  if (existing) throw new LobuleError('E_INVALID_ARGUMENT', `already imported as case ${existing.id}`);
  // '' is a series too: TotalSegmentator's example series has no SeriesInstanceUID
  const image = await loadVolume(item.imagePath, item.seriesUid !== undefined ? { seriesUid: item.seriesUid } : {});
  const labelLike = options.acceptLabelLikeImages ? null : looksLikeLabel(image);
  if (labelLike) {
    const sameGridCases = ws
      .cases()
      .filter((c) => gridsEqual(image, c.geometry))
      .map((c) => c.id);
    throw new HeldBack({ path, reason: labelLike, sameGridCases });
  }
  const labels = item.labelPath ? await loadCheckedLabels(item, image, map) : undefined;
  const id = uniqueId(item.suggestedId, ws.takenIds());
  const { rel, sha256 } = await storeImage(ws, item, image, id);
  const twin = ws.cases().find((x) => x.imageSha256 === sha256);
  const c = await ws.addCase(
    {
      id,
      image: rel,
      origin,
      importedAt: new Date().toISOString(),
      geometry: geometryOf(image),
      imageSha256: sha256,
      valueRange: valueRange(image.data),
      ...(item.displayWindow ? { displayWindow: item.displayWindow } : {}),
    },
    labels ? { volume: labels, options: { source: 'import', status: options.labelStatus ?? 'verified', parent: null } } : undefined,
  );
  return { caseId: id, origin, labelVersion: c.labels[0]?.id ?? null, ...(twin ? { duplicateOf: twin.id } : {}) };
}

export interface ImportLabelOptions {
  readonly labelMap?: LabelMap | ReadonlyMap<number, number>;
  /** Default 'import'. */
  readonly source?: LabelSource;
  /** Default: what the source implies (import → verified). */
  readonly status?: CaseStatus;
}

/**
 * Adds a label file (NIfTI, NRRD, DICOM SEG: whatever engine/io reads onto a reference image) as a new version of
 * an existing case.
 * @throws LobuleError E_GEOMETRY naming both grids when the labels are not on the case's image grid.
 */
export async function importLabel(ws: Workspace, caseId: string, path: string, options: ImportLabelOptions = {}): Promise<SavedVersion> {
  const image = await ws.readImage(caseId);
  const map = options.labelMap ? toLabelMap(options.labelMap) : undefined;
  const labels = await loadCheckedLabels({ suggestedId: caseId, imagePath: ws.imagePath(caseId), labelPath: resolve(path) }, image, map);
  return ws.saveLabel(caseId, labels, { source: options.source ?? 'import', status: options.status });
}

/** Label names after the map: a target value keeps its own name, else takes the name of a value mapped onto it. */
function mappedNames(names: ReadonlyMap<number, string>, map: LabelMap | undefined): Map<number, string> {
  if (!map) return new Map(names);
  const lut = labelLut(map);
  const out = new Map<number, string>();
  for (const [v, name] of names) if (lut[v] === v) out.set(v, name);
  for (const [v, name] of names) if (!out.has(lut[v])) out.set(lut[v], name);
  return out;
}

/** Imports every path (files, DICOM folders, MSD or nnU-Net datasets) into `ws`. */
export async function importPaths(ws: Workspace, paths: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
  const map = options.labelMap ? toLabelMap(options.labelMap) : undefined;
  const report: ImportReport = { format: 'files', imported: [], skipped: [], notices: [], looksLikeLabel: [] };
  let format: ImportReport['format'] = 'files';
  for (const path of paths) {
    const plan = await planImport(path, options.format ?? 'auto');
    format = plan.format;
    report.notices.push(...plan.notices);
    if (map) report.notices.push(`label map ${formatLabelMap(map)} applied to labels from ${resolve(path)}`);
    const names = mappedNames(plan.labelNames, map);
    if (names.size > 0) report.notices.push(...(await mergeLabelNames(ws, names)));
    for (const planned of plan.items) {
      let items: CaseItem[];
      try {
        items = await expandDicom(planned, report.notices, options.upload);
      } catch (e) {
        report.skipped.push({ path: planned.imagePath, reason: reasonOf(e) });
        continue;
      }
      for (const item of items) {
        try {
          const done = await importOne(ws, item, options, map);
          report.imported.push(done);
          if (done.duplicateOf)
            report.notices.push(`${done.origin} is the same image (sha256) as case ${done.duplicateOf}; imported as ${done.caseId}`);
        } catch (e) {
          if (e instanceof HeldBack) {
            report.looksLikeLabel.push(e.item);
            continue;
          }
          if (!(e instanceof LobuleError)) throw e;
          report.skipped.push({ path: originOf(item), reason: reasonOf(e) });
        }
      }
    }
  }
  return options.upload ? reportInUploadNames({ ...report, format }, options.upload) : { ...report, format };
}

function reasonOf(e: unknown): string {
  if (e instanceof LobuleError) return e.message;
  throw e;
}

/**
 * Takes the dataset's label names. A workspace without any labels yet adopts them outright (its defaults were only
 * a guess); otherwise names are added for values the workspace does not name yet, existing names win, and every
 * disagreement is reported.
 */
async function mergeLabelNames(ws: Workspace, names: ReadonlyMap<number, string>): Promise<string[]> {
  const notices: string[] = [];
  const adopt = ws.status().labelVersions === 0;
  await ws.mutate((m) => {
    if (adopt) {
      const entries = [...names].sort((a, b) => a[0] - b[0]);
      if (!names.has(0)) entries.unshift([0, 'background']);
      m.labelNames = Object.fromEntries(entries.map(([v, name]) => [name, v]));
      return;
    }
    const byValue = new Map(Object.entries(m.labelNames).map(([name, v]) => [v, name]));
    for (const [v, name] of names) {
      const current = byValue.get(v);
      if (current === undefined) m.labelNames[Object.hasOwn(m.labelNames, name) ? `${name}_${v}` : name] = v;
      else if (current !== name)
        notices.push(`the dataset calls label ${v} '${name}' but the workspace calls it '${current}'; kept '${current}'`);
    }
  });
  return notices;
}
