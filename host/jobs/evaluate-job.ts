/**
 * The 'evaluate' job, inside its job process: runs engine/evaluation on the cases the host chose (verified,
 * with a reference a person drew or imported), one at a time, with progress and cancel. It writes nothing; the
 * host writes the report from what it returns (host/evaluation-hooks.ts).
 */
import { basename } from 'node:path';
import { LobuleError } from '../../engine/errors.js';
import type { EvaluateParams } from '../../engine/api/contract.js';
import type { LabelSource } from '../../engine/common/metrics/roles.js';
import { DEFAULT_NSD_TOLERANCE_MM } from '../../engine/common/metrics/segmentation-metrics.js';
import { rolesFor, runEvaluation, type EvaluationRun } from '../../engine/evaluation/evaluation-run.js';
import type { Device } from '../../engine/onnx/session-factory.js';
import { loadModelFor } from './segment-job.js';
import type { JobContext, JobIO } from './protocol.js';

export type EvaluateJobValue = EvaluationRun;

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<EvaluateJobValue> {
  const params = raw as EvaluateParams;
  const selection = context.evaluation;
  if (!selection || selection.inputs.length === 0)
    throw new LobuleError('E_NOT_FOUND', `the ${params.split} split has no verified case to evaluate on`);
  io.progress(0, 'load model');
  const pkg = await loadModelFor(context, params.modelId);
  const command = `app: evaluate ${JSON.stringify({ ...params, modelId: basename(pkg.dir) })}`;
  return runEvaluation(selection.inputs, pkg, {
    modelId: basename(pkg.dir),
    split: params.split,
    command,
    roleOf: rolesFor(pkg, context.workspaceDir, selection.splitOf, selection.imageSha256Of),
    labelSource: params.labelSource as LabelSource | undefined,
    nsdToleranceMm: params.nsdToleranceMm ?? DEFAULT_NSD_TOLERANCE_MM,
    device: (params.device ?? 'auto') as Device,
    signal: io.signal,
    log: io.log,
    onProgress: (fraction, stage) => io.progress(fraction, stage),
    onCase: (c, n, total) => io.log(`evaluated ${c.caseId} (${n + 1}/${total}): Dice ${c.labels.map((l) => l.dice.toFixed(3)).join(', ')}`),
  });
}
