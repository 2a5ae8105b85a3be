/**
 * The 'evaluate' job: segments every labelled case of a split with one model and reports Dice per label
 * against the case's latest label version. Reads only; writes nothing.
 */
import { LobuleError } from '../../engine/errors.js';
import { dicePerLabel } from '../../engine/common/metrics/dice.js';
import type { EvaluateParams } from '../../engine/api/contract.js';
import { readNifti } from '../../engine/io/nifti.js';
import { loadModelFor, readImageFor, segmentImage } from './segment-job.js';
import type { JobContext, JobIO } from './protocol.js';

export interface EvaluateJobValue {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly modelDir: string;
  readonly cases: { caseId: string; dice: Record<string, number> }[];
}


export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<EvaluateJobValue> {
  const params = raw as EvaluateParams;
  const caseIds = context.splits[params.split].filter((id) => context.labels[id]);
  if (caseIds.length === 0) {
    throw new LobuleError('E_NOT_FOUND', `the ${params.split} split has no labelled cases to evaluate on`, 'Assign labelled cases to it (workspace split) first');
  }
  const pkg = await loadModelFor(context, params.modelId);
  const values = Object.keys(pkg.card.labels).map(Number).filter((v) => v > 0);
  const cases: EvaluateJobValue['cases'] = [];
  for (const [n, caseId] of caseIds.entries()) {
    const from = n / caseIds.length;
    const to = (n + 1) / caseIds.length;
    io.progress(from, `case ${n + 1}/${caseIds.length}`);
    const image = await readImageFor(context, caseId);
    const truth = await readNifti(context.labels[caseId]);
    const pred = await segmentImage(image, pkg, params.device, io, from, to);
    const truthLabels = truth.data instanceof Uint8Array ? truth.data : Uint8Array.from(truth.data, Number);
    cases.push({ caseId, dice: dicePerLabel(pred.data, truthLabels, values) });
  }
  return { modelName: pkg.card.name, modelVersion: pkg.card.version, modelDir: pkg.dir, cases };
}
