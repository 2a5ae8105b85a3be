/**
 * The host's two hooks around every job (see jobs/runner.ts): `prepareJobContext` turns the ids in a job's
 * params into the paths the job process reads, and `finalizeJobResult` turns what the job hands back into
 * workspace changes (a segmentation becomes the case's proposal, never a version: only the user's Accept makes
 * one, so a model run cannot replace curated labels or demote a case) and the contract's JobResult. The job
 * processes only read; the host, which holds the workspace lock, is the one writer.
 */
import { basename } from 'node:path';
import type { EvaluateParams, EventMap, JobKind, JobResult, SegmentParams, TrainParams } from '../engine/api/contract.js';
import { makeVolume } from '../engine/common/volume.js';
import type { Workspace } from '../engine/workspace/workspace.js';
import type { ModelsStore } from './models.js';
import type { JobContext } from './jobs/protocol.js';
import type { SegmentJobValue } from './jobs/segment-job.js';
import type { EvaluateJobValue } from './jobs/evaluate-job.js';
import type { TrainJobValue } from './jobs/train-job.js';
import { evaluationSelection, finalizeEvaluation, finalizeRank, imagesToRank } from './evaluation-hooks.js';
import type { RankJobValue } from './jobs/rank-job.js';

/** The model a job uses: the named one, else the workspace's active one (see effectiveActiveId), else null. */
async function modelDirFor(models: ModelsStore, modelId: string | undefined): Promise<string | null> {
  if (modelId) return models.dirOf(modelId);
  const active = await models.effectiveActiveId();
  return active ? models.dirOf(active).catch(() => null) : null;
}

export async function prepareJobContext(ws: Workspace, models: ModelsStore, kind: JobKind, raw: unknown): Promise<JobContext> {
  const images: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const wanted = kind === 'segment' ? [(raw as SegmentParams).caseId] : [];
  for (const id of wanted) images[id] = ws.imagePath(id);
  // Evaluation: verified cases against their latest label a person drew or imported (engine/evaluation/select-cases.ts).
  const evaluation = kind === 'evaluate' ? evaluationSelection(ws, raw as EvaluateParams) : undefined;
  const modelId = kind === 'train' ? (raw as TrainParams).fromModel : (raw as SegmentParams | EvaluateParams).modelId;
  const cases = ws.cases();
  const ids = (s: string) => cases.filter((c) => c.split === s).map((c) => c.id);
  const modelDir = await modelDirFor(models, modelId);
  // Ranking: the unlabelled and draft cases this model version has not scored yet.
  if (kind === 'rank') Object.assign(images, await imagesToRank(ws, modelDir));
  return {
    workspaceDir: ws.dir,
    modelSearchDirs: models.searchDirs(),
    modelDir,
    images,
    labels,
    splits: { train: ids('train'), val: ids('val'), test: ids('test') },
    ...(evaluation ? { evaluation } : {}),
  };
}

/** Label sources are `model:<id>@<version>` without spaces or '@' inside the parts. */
function sourcePart(s: string): string {
  return s.replace(/[\s@]+/g, '-') || 'model';
}

type Emit = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void;

export async function finalizeJobResult(ws: Workspace, kind: JobKind, raw: unknown, value: unknown, emit: Emit): Promise<JobResult> {
  if (kind === 'segment') {
    const v = value as SegmentJobValue;
    const source = `model:${sourcePart(basename(v.modelDir))}@${sourcePart(v.modelVersion)}` as const;
    const proposal = await ws.setProposal(v.caseId, makeVolume(v.labels, v.dims, v.affine), source);
    await ws.setProbabilities(v.caseId, v.probabilities, source);
    emit('workspace.didChange', { what: 'labels', caseIds: [v.caseId] });
    return { kind: 'segment', caseId: v.caseId, proposal };
  }
  if (kind === 'evaluate') return finalizeEvaluation(ws, raw as EvaluateParams, value as EvaluateJobValue);
  if (kind === 'rank') return finalizeRank(ws, value as RankJobValue);
  const v = value as TrainJobValue;
  emit('workspace.didChange', { what: 'models' });
  return {
    kind: 'train',
    modelId: v.modelDir ? basename(v.modelDir) : (v.modelName ?? ''),
    bestValDice: v.bestValDice,
    runId: v.runId,
    selection: v.selection,
    device: v.device,
  };
}
