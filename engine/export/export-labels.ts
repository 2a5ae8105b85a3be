/**
 * `labels.export`: one label version of a case written as DICOM SEG, Slicer .seg.nrrd, NIfTI, STL or OBJ meshes
 * (one file per segment), or a volume report CSV. The CLI and the app call this one function.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LobuleError } from '../errors.js';
import { gridsEqual } from '../common/affine.js';
import { LABEL_EXPORT_FORMATS, type LabelExportFormat } from '../common/label-export-formats.js';
import type { LabelVolume } from '../common/volume.js';
import { writeFileAtomic } from '../io/atomic.js';
import { writeNifti } from '../io/nifti-write.js';
import { parseDicomBytes, readDicomSeriesSource, thrownText, type DicomSource } from '../io/dicom/index.js';
import type { Workspace } from '../workspace/workspace.js';
import { encodeDicomSeg } from './dicom-seg-write.js';
import { encodeSegNrrd } from './seg-nrrd.js';
import { encodeObj, encodeStl, labelMesh, signedVolume, type MeshSpace } from './mesh.js';
import { segmentsOf, type ExportSegment } from './segments.js';
import { encodeVolumeCsv, volumeReport } from './volume-report.js';

export { LABEL_EXPORT_FORMATS, type LabelExportFormat };

export interface LabelExportOptions {
  readonly format: LabelExportFormat;
  /** Output file; for stl/obj a folder that gets one file per segment. */
  readonly out: string;
  /** Label version id (v1, v2, …); default the latest. */
  readonly version?: string;
  /** Mesh coordinates; default RAS (LPS for tools that expect DICOM patient coordinates). */
  readonly space?: MeshSpace;
  /** Mesh smoothing iterations (windowed sinc); default 0. */
  readonly smoothing?: number;
}

export interface ExportedSegment {
  readonly value: number;
  readonly name: string;
  readonly voxels: number;
  readonly volumeMl: number;
  /** Enclosed volume of the exported mesh (stl/obj only). */
  readonly meshVolumeMl?: number;
}

export interface LabelExportResult {
  readonly caseId: string;
  readonly version: string;
  readonly format: LabelExportFormat;
  readonly files: string[];
  readonly segments: ExportedSegment[];
  readonly tumourBurden: number | null;
  /** What the user should know (e.g. the SEG could not reference the source series, and why). */
  readonly notes: string[];
}

/** The DICOM series a case was imported from (`folder#SeriesUID`, a folder, or one of its files), if still there. */
async function dicomOrigin(origin: string): Promise<{ dir: string; seriesUid?: string } | null> {
  const hash = origin.lastIndexOf('#');
  const path = hash > 0 ? origin.slice(0, hash) : origin;
  const seriesUid = hash > 0 ? origin.slice(hash + 1) : undefined;
  try {
    if ((await stat(path)).isDirectory()) return { dir: path, seriesUid };
    if (/\.(nii|nii\.gz|nrrd|nhdr)$/i.test(path)) return null;
    const file = parseDicomBytes(path, await readFile(path));
    return file ? { dir: dirname(path), seriesUid: seriesUid ?? file.seriesUid } : null;
  } catch {
    return null;
  }
}

/** The source series' UIDs when the case came from DICOM and its grid is the labels' grid; else a note why not. */
async function sourceFor(origin: string, labels: LabelVolume, notes: string[]): Promise<{ source?: DicomSource; labels: LabelVolume }> {
  const where = await dicomOrigin(origin);
  if (!where) return { labels };
  try {
    const src = await readDicomSeriesSource(where.dir, { seriesUid: where.seriesUid });
    // the stored image's affine went through float32 (NIfTI); the DICOM headers give the exact grid
    if (gridsEqual({ dims: src.dims, affine: src.affine }, labels, 1e-3))
      return { source: src.source, labels: { ...labels, affine: src.affine } };
    notes.push(`the DICOM series at '${where.dir}' is not on this case's grid any more, so the SEG does not reference it`);
  } catch (e) {
    notes.push(
      `the case came from DICOM ('${where.dir}') but its headers could not be read (${thrownText(e)}), so the SEG does not reference it`,
    );
  }
  return { labels };
}

function algorithmOf(source: string): { type: 'MANUAL' | 'AUTOMATIC'; name?: string } {
  return source.startsWith('model:') ? { type: 'AUTOMATIC', name: source.slice('model:'.length) } : { type: 'MANUAL' };
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'segment';
}

async function writeMeshes(
  labels: LabelVolume,
  segments: readonly ExportSegment[],
  options: LabelExportOptions,
  caseId: string,
): Promise<{ files: string[]; meshMl: Map<number, number> }> {
  await mkdir(options.out, { recursive: true });
  const space = options.space ?? 'RAS';
  const files: string[] = [];
  const meshMl = new Map<number, number>();
  for (const s of segments) {
    const mesh = labelMesh(labels, s.value, { space, smoothing: options.smoothing });
    if (!mesh) continue;
    meshMl.set(s.value, signedVolume(mesh) / 1000);
    const path = join(options.out, `${fileSafe(caseId)}_${s.value}_${fileSafe(s.name)}.${options.format}`);
    await writeFileAtomic(path, options.format === 'stl' ? encodeStl(mesh, s.name) : encodeObj(mesh, s.name, space));
    files.push(path);
  }
  return { files, meshMl };
}

/** Writes one label version of `caseId` in `options.format`; never changes the workspace. */
export async function exportCaseLabels(ws: Workspace, caseId: string, options: LabelExportOptions): Promise<LabelExportResult> {
  if (!LABEL_EXPORT_FORMATS.includes(options.format)) {
    throw new LobuleError('E_INVALID_ARGUMENT', `export format '${options.format}' is not one of ${LABEL_EXPORT_FORMATS.join(', ')}`);
  }
  const c = ws.getCase(caseId);
  const version = options.version ? c.labels.find((v) => v.id === options.version) : c.labels.at(-1);
  if (!version) {
    throw new LobuleError(
      'E_NOT_FOUND',
      options.version ? `case ${caseId} has no label version ${options.version}` : `case ${caseId} has no labels yet`,
      `Known versions: ${c.labels.map((v) => v.id).join(', ') || 'none'}`,
    );
  }
  let labels = await ws.readLabel(caseId, version.id);
  const segments = segmentsOf(labels, ws.labelNames());
  const report = volumeReport(labels, segments);
  const notes: string[] = [];
  let files: string[] = [options.out];
  let meshMl = new Map<number, number>();
  if (options.format !== 'csv' && options.format !== 'nifti' && segments.length === 0) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `label version ${version.id} of case ${caseId} has no labelled voxels`,
      'Nothing to export; draw or run a model first',
    );
  }
  await mkdir(dirname(options.out), { recursive: true });
  if (options.format === 'seg') {
    const found = await sourceFor(c.origin, labels, notes);
    labels = found.labels;
    const bytes = encodeDicomSeg(labels, segments, {
      source: found.source,
      algorithm: algorithmOf(version.source),
      seriesDescription: `Lobule ${caseId} ${version.id}`.slice(0, 64),
    });
    await writeFileAtomic(options.out, bytes);
  } else if (options.format === 'nrrd') {
    await writeFileAtomic(options.out, encodeSegNrrd(labels, segments));
  } else if (options.format === 'nifti') {
    await writeNifti(options.out, labels);
  } else if (options.format === 'csv') {
    await writeFileAtomic(
      options.out,
      encodeVolumeCsv(report, {
        caseId,
        version: version.id,
        source: version.source,
        author: version.author,
        time: version.time,
        sha256: version.sha256,
      }),
    );
  } else {
    ({ files, meshMl } = await writeMeshes(labels, segments, options, c.name ?? basename(caseId)));
  }
  return {
    caseId,
    version: version.id,
    format: options.format,
    files,
    notes,
    tumourBurden: report.tumourBurden,
    segments: report.rows.map((r) => ({ ...r, ...(meshMl.has(r.value) ? { meshVolumeMl: meshMl.get(r.value) } : {}) })),
  };
}
