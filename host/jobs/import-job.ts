/**
 * The 'import' job, inside its job process: imports each chosen path into the staging workspace the host prepared
 * (host/import-staging.ts), one path after another, so decoding never stalls the host and a cancel stops between
 * paths. It never touches the real workspace: the host commits the staged cases in one manifest update.
 */
import { basename } from 'node:path';
import type { ImportParams } from '../../engine/api/contract.js';
import { LobuleError, throwIfAborted } from '../../engine/errors.js';
import { importPaths, type ImportReport } from '../../engine/workspace/importer.js';
import type { CaseRecord, Manifest } from '../../engine/workspace/manifest.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import type { JobContext, JobIO } from './protocol.js';

export interface ImportJobValue {
  readonly report: ImportReport;
  /** The staged records of the imported cases (files relative to the staging folder, same layout as the workspace). */
  readonly cases: readonly CaseRecord[];
  /** Label names before and after, so the host applies only what this import changed. */
  readonly labelNamesBefore: Manifest['labelNames'];
  readonly labelNamesAfter: Manifest['labelNames'];
}

/** `layout` as the importer's `format` ('files' is the UI's name for auto-detection). */
function formatOf(layout: ImportParams['layout']): 'auto' | 'msd' | 'nnunet' {
  return layout === 'msd' || layout === 'nnunet' ? layout : 'auto';
}

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<ImportJobValue> {
  const params = raw as ImportParams;
  if (!context.importStaging) throw new LobuleError('E_INTERNAL', 'the import job was started without a staging folder');
  const labelMap = params.labelMap ? new Map(Object.entries(params.labelMap).map(([k, v]) => [Number(k), v] as const)) : undefined;
  const ws = await Workspace.open(context.importStaging);
  try {
    const labelNamesBefore = ws.manifest().labelNames;
    const total = params.paths.length;
    let report: ImportReport = { format: 'files', imported: [], skipped: [], notices: [], looksLikeLabel: [] };
    for (const [done, path] of params.paths.entries()) {
      throwIfAborted(io.signal, 'the import');
      io.progress(done / total, `${done}/${total} ${basename(path)}`);
      const r = await importPaths(ws, [path], {
        format: formatOf(params.layout),
        labelMap,
        acceptLabelLikeImages: params.acceptLabelLikeImages,
        upload: params.upload,
      });
      // The importer reports the format of the last path it planned; merging keeps that rule.
      report = {
        format: r.format,
        imported: [...report.imported, ...r.imported],
        skipped: [...report.skipped, ...r.skipped],
        notices: [...report.notices, ...r.notices],
        looksLikeLabel: [...report.looksLikeLabel, ...r.looksLikeLabel],
      };
    }
    throwIfAborted(io.signal, 'the import');
    io.progress(1, `${total}/${total} done`);
    const ids = new Set(report.imported.map((c) => c.caseId));
    const m = ws.manifest();
    return { report, cases: m.cases.filter((c) => ids.has(c.id)), labelNamesBefore, labelNamesAfter: m.labelNames };
  } finally {
    await ws.close();
  }
}
