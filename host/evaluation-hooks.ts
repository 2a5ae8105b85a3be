/**
 * The host's side of evaluation: which cases and references an evaluate job reads (prepared here, where the
 * workspace is open), the report files it leaves (written here: the host is the workspace's one writer), and
 * `reports.html`, which hands a report's page to the app.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LobuleError } from '../engine/errors.js';
import type { CaseStatus, EvaluateParams, EvaluateResult, Params, RankResult, Result } from '../engine/api/contract.js';
import { MODEL_CARD_FILE, parseModelCard } from '../engine/models/card.js';
import { RANK_STATUSES, rankedFrom, readCache, uncertaintyCachePath, writeCache } from '../engine/evaluation/rank.js';
import { UNCERTAINTY_MEANING } from '../engine/evaluation/uncertainty.js';
import type { RankJobValue } from './jobs/rank-job.js';
import type { Workspace } from '../engine/workspace/workspace.js';
import { selectEvaluationCases, type CaseSelection } from '../engine/evaluation/select-cases.js';
import { REPORTS_DIR, writeReport } from '../engine/evaluation/report-files.js';
import type { EvaluationRun } from '../engine/evaluation/evaluation-run.js';

/** What the evaluate job process needs besides the model: the cases, their references and splits. */
export function evaluationSelection(ws: Workspace, params: EvaluateParams): CaseSelection {
  const selection = selectEvaluationCases(ws, { split: params.split, caseIds: params.caseIds });
  if (selection.inputs.length === 0) {
    const why = selection.skipped.length ? `: ${selection.skipped.map((s) => `${s.caseId} (${s.reason})`).join(', ')}` : '';
    throw new LobuleError(
      'E_NOT_FOUND',
      `the ${params.split} split has no verified case to evaluate on${why}`,
      'Verify the labels of some cases of that split first',
    );
  }
  return selection;
}

/** Writes the report under <workspace>/reports/ and returns the contract's result (no pictures). */
export async function finalizeEvaluation(ws: Workspace, params: EvaluateParams, run: EvaluationRun): Promise<EvaluateResult> {
  const files = await writeReport(run, { workspaceDir: ws.dir });
  const cases = run.cases.map((c) => ({
    caseId: c.caseId,
    role: c.role,
    referenceVersion: c.referenceVersion,
    referenceSource: c.referenceSource,
    dice: Object.fromEntries(c.labels.map((l) => [l.label, l.dice])),
    labels: c.labels.map(({ label, name, dice, iou, hd95Mm, assdMm, nsd, predictionMl, referenceMl, volumeDifferenceMl, empty }) => ({
      label,
      name,
      dice,
      iou,
      hd95Mm,
      assdMm,
      nsd,
      predictionMl,
      referenceMl,
      volumeDifferenceMl,
      empty,
    })),
    worstSlices: c.worstSlices,
    sliceAxis: c.sliceAxis,
  }));
  const labels = Object.keys(run.summary);
  const meanDice = Object.fromEntries(labels.map((l) => [l, run.summary[l].dice.mean ?? 0]));
  return {
    kind: 'evaluate',
    modelId: run.model.id,
    split: params.split,
    cases,
    meanDice,
    role: run.role,
    labelSource: run.labelSource,
    nsdToleranceMm: run.nsdToleranceMm,
    reportId: basename(files.dir),
  };
}

/** Image paths of the unlabelled and draft cases without a cached score for the model in `modelDir`. */
export async function imagesToRank(ws: Workspace, modelDir: string | null): Promise<Record<string, string>> {
  const version = modelDir ? await cardVersion(modelDir) : null;
  const cached = modelDir && version ? await readCache(uncertaintyCachePath(ws.dir, basename(modelDir), version)) : {};
  const todo = ws.cases().filter((c) => (RANK_STATUSES as readonly string[]).includes(c.status) && !cached[c.id]);
  return Object.fromEntries(todo.map((c) => [c.id, ws.imagePath(c.id)]));
}

async function cardVersion(modelDir: string): Promise<string | null> {
  try {
    return parseModelCard(JSON.parse(await readFile(join(modelDir, MODEL_CARD_FILE), 'utf8'))).version;
  } catch {
    return null;
  }
}

/** Merges the new scores into the model version's cache and ranks every scored unlabelled and draft case. */
export async function finalizeRank(ws: Workspace, v: RankJobValue): Promise<RankResult> {
  const path = uncertaintyCachePath(ws.dir, v.modelId, v.modelVersion);
  const scores = { ...(await readCache(path)), ...v.scores };
  await writeCache(path, v.modelId, v.modelVersion, scores);
  const cases = rankedFrom(ws, scores).map((c) => ({ caseId: c.caseId, status: c.status as CaseStatus, score: c.score }));
  return { kind: 'rank', modelId: v.modelId, modelVersion: v.modelVersion, meaning: UNCERTAINTY_MEANING, cases };
}

export function reportHandlers(workspace: () => Workspace): {
  'reports.html': (p: Params<'reports.html'>) => Promise<Result<'reports.html'>>;
} {
  return {
    'reports.html': async ({ reportId }) => {
      const path = join(workspace().dir, REPORTS_DIR, reportId, 'report.html');
      try {
        return { html: await readFile(path, 'utf8'), path };
      } catch {
        throw new LobuleError(
          'E_NOT_FOUND',
          `no evaluation report "${reportId}" in this workspace`,
          'Run an evaluation first; reports live in the workspace’s reports/ folder',
        );
      }
    },
  };
}
