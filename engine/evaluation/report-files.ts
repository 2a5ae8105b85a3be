/**
 * Writes an evaluation run as files a person and a script can read: `report.html` (self-contained),
 * `cases.csv` (one row per case and label) and `evaluation.json` (the whole run without the pictures), in a new
 * folder under `<workspace>/reports/`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { SUMMARY_METRICS, type EvaluationRun } from './evaluation-run.js';
import { renderReportHtml } from './report-html.js';

export const REPORTS_DIR = 'reports';

export interface ReportFiles {
  readonly dir: string;
  readonly html: string;
  readonly csv: string;
  readonly json: string;
}

/** The run without its pictures (what the JSON file and the app's job result carry). */
export function withoutPictures(run: EvaluationRun): EvaluationRun {
  return { ...run, cases: run.cases.map((c) => ({ ...c, thumbnails: c.thumbnails.map((t) => ({ ...t, pngBase64: '' })) })) };
}

const csvCell = (v: unknown) =>
  v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);

export function casesCsv(run: EvaluationRun): string {
  const head = [
    'case',
    'role',
    'label',
    'name',
    ...SUMMARY_METRICS,
    'predictionMl',
    'referenceMl',
    'empty',
    'referenceVersion',
    'referenceSource',
    'worstSlice',
  ];
  const rows = run.cases.flatMap((c) =>
    c.labels.map((l) => [
      c.caseId,
      c.role,
      l.label,
      l.name,
      ...SUMMARY_METRICS.map((m) => l[m]),
      l.predictionMl,
      l.referenceMl,
      l.empty,
      c.referenceVersion,
      c.referenceSource,
      c.worstSlices[0],
    ]),
  );
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** A folder name that sorts by time and says what was evaluated: 20261129-161502-liver-test. */
function folderName(run: EvaluationRun): string {
  const stamp = run.startedAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${run.model.id}-${run.split ?? 'cases'}`.replace(/[^\w.-]+/g, '-');
}

/** Writes the three files into `outDir`, or a new folder under `<workspaceDir>/reports/` when none is given. */
export async function writeReport(run: EvaluationRun, target: { workspaceDir: string } | { outDir: string }): Promise<ReportFiles> {
  const dir = 'outDir' in target ? target.outDir : join(target.workspaceDir, REPORTS_DIR, folderName(run));
  await mkdir(dir, { recursive: true });
  const files = { dir, html: join(dir, 'report.html'), csv: join(dir, 'cases.csv'), json: join(dir, 'evaluation.json') };
  await writeFileAtomic(files.json, JSON.stringify(withoutPictures(run), null, 2) + '\n');
  await writeFileAtomic(files.csv, casesCsv(run));
  await writeFileAtomic(files.html, renderReportHtml(run));
  return files;
}
