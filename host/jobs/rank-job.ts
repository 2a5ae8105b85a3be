/**
 * The 'rank' job, inside its job process: the model's uncertainty on each case the host handed over (those not
 * yet scored for this model version), one at a time. It writes nothing; the host caches the scores
 * (host/evaluation-hooks.ts).
 */
import { basename } from 'node:path';
import type { RankParams } from '../../engine/api/contract.js';
import { throwIfAborted } from '../../engine/errors.js';
import type { Device } from '../../engine/onnx/session-factory.js';
import { scoreImage } from '../../engine/evaluation/rank.js';
import type { CaseUncertainty } from '../../engine/evaluation/uncertainty.js';
import { loadModelFor } from './segment-job.js';
import type { JobContext, JobIO } from './protocol.js';

export interface RankJobValue {
  readonly modelId: string;
  readonly modelVersion: string;
  readonly scores: Record<string, CaseUncertainty & { computedAt: string }>;
}

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<RankJobValue> {
  const params = raw as RankParams;
  const pkg = await loadModelFor(context, params.modelId);
  const ids = Object.keys(context.images);
  const scores: RankJobValue['scores'] = {};
  for (const [n, caseId] of ids.entries()) {
    throwIfAborted(io.signal, 'ranking');
    const s = await scoreImage(context.images[caseId], pkg, {
      device: (params.device ?? 'auto') as Device,
      signal: io.signal,
      log: io.log,
      onProgress: (p) => io.progress((n + p.fraction) / ids.length, `case ${n + 1}/${ids.length} ${caseId}`),
    });
    scores[caseId] = { ...s, computedAt: new Date().toISOString() };
  }
  return { modelId: basename(pkg.dir), modelVersion: pkg.card.version, scores };
}
