/**
 * Import jobs, the host's side: the job process imports into a staging workspace inside the workspace folder
 * (`.import-staging/<job>/`, seeded with the host's committed manifest), and the host alone moves the staged files
 * in and commits the new cases in ONE manifest update. So the host stays the only writer of `lobule.json` and
 * keeps its lock the whole time (no lock hand-over), reads and label saves of other cases go on during an import,
 * and a cancelled or failed import adds nothing (all or nothing) and leaves only its staging folder, removed here.
 *
 * Case ids cannot collide: imports run one at a time (their own job lane), each staged from the manifest the
 * previous one committed, and nothing else creates case ids. finalize still checks, and refuses rather than
 * overwrites.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImportJobResult, JobId } from '../engine/api/contract.js';
import { LobuleError } from '../engine/errors.js';
import { MANIFEST_FILE, serializeManifest, type Manifest } from '../engine/workspace/manifest.js';
import type { Workspace } from '../engine/workspace/workspace.js';
import type { ImportJobValue } from './jobs/import-job.js';
import type { JobContext } from './jobs/protocol.js';

const STAGING = '.import-staging';

export function stagingDirOf(ws: Workspace, jobId: JobId): string {
  return join(ws.dir, STAGING, jobId);
}

/** Seeds the job's staging workspace with the host's committed manifest (earlier leftovers are removed first). */
export async function prepareImport(ws: Workspace, jobId: JobId): Promise<JobContext> {
  // Only one import runs at a time (its own lane), so every other staging folder is a leftover of a killed host.
  await rm(join(ws.dir, STAGING), { recursive: true, force: true });
  const dir = stagingDirOf(ws, jobId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MANIFEST_FILE), serializeManifest(ws.manifest()));
  return {
    workspaceDir: ws.dir,
    modelSearchDirs: [],
    modelDir: null,
    images: {},
    labels: {},
    splits: { train: [], val: [], test: [] },
    importStaging: dir,
  };
}

/** Label names: apply what the import added, renamed or dropped relative to what it started from. */
function applyLabelNames(target: Manifest['labelNames'], before: Manifest['labelNames'], after: Manifest['labelNames']): void {
  for (const name of Object.keys(before)) if (!Object.hasOwn(after, name)) delete target[name];
  for (const [name, v] of Object.entries(after)) if (before[name] !== v) target[name] = v;
}

/** Moves the staged files in and commits every imported case in one manifest update. */
export async function finalizeImport(ws: Workspace, jobId: JobId, value: ImportJobValue): Promise<ImportJobResult> {
  const staging = stagingDirOf(ws, jobId);
  await ws.mutate(async (m) => {
    const taken = new Set([...m.cases, ...m.trash.map((t) => t.case)].map((c) => c.id));
    const clash = value.cases.find((c) => taken.has(c.id));
    if (clash) {
      throw new LobuleError('E_WORKSPACE', `case id ${clash.id} was taken while the import ran; nothing was imported`, 'Import again');
    }
    // Files first, manifest after: a crash in between leaves orphans that opening the workspace removes.
    for (const c of value.cases) {
      for (const rel of [c.image, ...c.labels.map((l) => l.file)]) {
        await mkdir(dirname(join(ws.dir, rel)), { recursive: true });
        await rename(join(staging, rel), join(ws.dir, rel));
      }
    }
    m.cases.push(...value.cases);
    applyLabelNames(m.labelNames, value.labelNamesBefore, value.labelNamesAfter);
  });
  await removeStaging(ws, jobId);
  const r = value.report;
  return {
    kind: 'import',
    imported: r.imported.map((c) => c.caseId),
    skipped: r.skipped.map((s) => ({ path: s.path, reason: s.reason })),
    looksLikeLabel: r.looksLikeLabel,
    notices: r.notices,
  };
}

/** Removes a job's staging folder (after finalize, or when the job was cancelled or failed). */
export async function removeStaging(ws: Workspace, jobId: JobId): Promise<void> {
  await rm(stagingDirOf(ws, jobId), { recursive: true, force: true });
}
