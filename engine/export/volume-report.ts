/**
 * The volume report of one label version as CSV: mL per label, tumour burden when the version has both liver and
 * tumour, and where the version came from (so a number in a paper can be traced back to the labels behind it).
 */
import { voxelVolumeMm3 } from '../common/voxel-volume.js';
import type { LabelVolume } from '../common/volume.js';
import { isLiver, isTumour, type ExportSegment } from './segments.js';

export interface VersionProvenance {
  readonly caseId: string;
  readonly version: string;
  readonly source: string;
  readonly author: string;
  readonly time: string;
  readonly sha256: string;
}

export interface VolumeRow {
  readonly value: number;
  readonly name: string;
  readonly voxels: number;
  readonly volumeMl: number;
}

export interface VolumeReport {
  readonly rows: VolumeRow[];
  /** Tumour mL / (liver mL + tumour mL): the whole liver holds the tumour, labelled apart. Null unless both exist. */
  readonly tumourBurden: number | null;
}

export function volumeReport(labels: LabelVolume, segments: readonly ExportSegment[]): VolumeReport {
  const mm3 = voxelVolumeMm3(labels.affine);
  const rows = segments.map((s) => ({ value: s.value, name: s.name, voxels: s.voxels, volumeMl: (s.voxels * mm3) / 1000 }));
  const sum = (test: (name: string) => boolean) => rows.filter((r) => test(r.name)).reduce((t, r) => t + r.volumeMl, 0);
  const liver = sum(isLiver),
    tumour = sum(isTumour);
  return { rows, tumourBurden: liver > 0 && tumour > 0 ? tumour / (liver + tumour) : null };
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function encodeVolumeCsv(report: VolumeReport, p: VersionProvenance): string {
  const head = [
    'case',
    'version',
    'label_value',
    'label_name',
    'voxels',
    'volume_ml',
    'tumour_burden',
    'source',
    'author',
    'saved',
    'label_sha256',
  ];
  const burden = report.tumourBurden === null ? '' : report.tumourBurden.toFixed(6);
  const lines = [head.join(',')];
  for (const r of report.rows) {
    lines.push(
      [p.caseId, p.version, r.value, r.name, r.voxels, r.volumeMl.toFixed(3), burden, p.source, p.author, p.time, p.sha256]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
