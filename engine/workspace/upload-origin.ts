/**
 * What a case imported from a `lobule serve` upload records and is called. The upload's files lie in a temporary
 * folder that is removed after the import, so its path means nothing to the user: the case's origin names what the
 * user uploaded instead ('upload: liver_03.nii.gz', 'upload: series-folder/ (20 files)'), and DICOM files uploaded
 * without their folder, which have no folder name to be called by, are named from their series.
 */
import { basename, join, relative, sep } from 'node:path';
import type { UploadedPaths } from '../api/upload-wire.js';
import type { SeriesSummary } from '../io/dicom/index.js';
import type { ImportReport } from './importer.js';

/** Every upload origin starts with this (the host shows such cases by their id, see host/workspace-to-contract.ts). */
export const UPLOAD_ORIGIN_PREFIX = 'upload: ';

export function isUploadOrigin(origin: string): boolean {
  return origin.startsWith(UPLOAD_ORIGIN_PREFIX);
}

/** `path` as the browser named it: relative to the upload folder, '/'-separated. */
function uploadedName(upload: UploadedPaths, path: string): string {
  return relative(upload.folder, path).split(sep).join('/');
}

/** The origin of a case imported from one uploaded volume file: 'upload: liver_03.nii.gz' or 'upload: cases/a.nii.gz'. */
export function uploadedFileOrigin(upload: UploadedPaths, path: string): string {
  return `${UPLOAD_ORIGIN_PREFIX}${uploadedName(upload, path)}`;
}

/** "series #3 'Abdomen'": how one series of several is told apart in an origin. */
function seriesTag(s: SeriesSummary): string {
  const parts = [s.seriesNumber !== undefined ? `#${s.seriesNumber}` : '', s.description ? `'${s.description}'` : ''].filter(Boolean);
  return `series ${parts.length > 0 ? parts.join(' ') : s.seriesUid || 'without a UID'}`;
}

/**
 * The case name of a DICOM series uploaded without its folder, as a workstation lists it: PatientID,
 * SeriesDescription and SeriesNumber, those present, joined by '_' (the importer makes it a valid, unused case id
 * with the same rule as every other import); 'DICOM' when the series carries none of them.
 */
export function looseSeriesName(s: SeriesSummary): string {
  const parts = [s.patientId, s.description, s.seriesNumber?.toString() ?? ''].filter((p) => p.length > 0);
  return parts.length > 0 ? parts.join('_') : 'DICOM';
}

/**
 * Origin (and, for DICOM files picked without their folder, the case name) of one series of the uploaded DICOM
 * folder `dir`, which holds `count` image series: 'upload: series-folder/ (20 files)', or for loose files
 * 'upload: 20 files (IM0001.dcm, …)'; ', series #3' is added when the folder or the files hold several series.
 */
export function uploadedSeries(
  upload: UploadedPaths,
  dir: string,
  s: SeriesSummary,
  count: number,
): { origin: string; suggestedId?: string } {
  const name = uploadedName(upload, dir);
  const files = `${s.files} file${s.files === 1 ? '' : 's'}`;
  const several = count > 1 ? `, ${seriesTag(s)}` : '';
  if (name !== upload.looseDicom) return { origin: `${UPLOAD_ORIGIN_PREFIX}${name}/ (${files})${several}` };
  const first = basename(s.firstFile);
  const listed = s.files === 1 ? first : `${first}, …`;
  return { origin: `${UPLOAD_ORIGIN_PREFIX}${files} (${listed})${several}`, suggestedId: looseSeriesName(s) };
}

/** What the report calls the folder of files picked without their folder (the user never named it). */
const LOOSE_SELECTION = 'the selection of files picked without a folder';

/** `text` with each path in the upload folder as the user knows it: relative, and loose files without their folder. */
function inUploadNames(upload: UploadedPaths, text: string): string {
  let out = text;
  if (upload.looseDicom !== undefined) {
    const loose = join(upload.folder, upload.looseDicom);
    // the folder itself, quoted or not, but not an uploaded folder whose name starts with its name ('DICOM_x')
    const folderItself = new RegExp(`'?${loose.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'?(?=$|[\\s,:;)])`, 'g');
    out = out.replaceAll(`${loose}${sep}`, '').replace(folderItself, LOOSE_SELECTION);
  }
  return out.replaceAll(`${upload.folder}${sep}`, '');
}

/**
 * An upload's import report as the user reads it: skipped files, reasons and notices name what was uploaded, not the
 * staging folder. Held-back files keep their path, which "It is an image" imports again (the report's reader shows
 * them relative to UploadStarted.folder).
 */
export function reportInUploadNames(report: ImportReport, upload: UploadedPaths): ImportReport {
  const named = (text: string): string => inUploadNames(upload, text);
  return {
    ...report,
    skipped: report.skipped.map((s) => ({ path: named(s.path), reason: named(s.reason) })),
    notices: report.notices.map(named),
    looksLikeLabel: report.looksLikeLabel.map((l) => ({ ...l, reason: named(l.reason) })),
  };
}
