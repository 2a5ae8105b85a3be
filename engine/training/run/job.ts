/**
 * Training as a host job (engine/host/jobs): the app's job process calls `trainJob(params, context, io)`, so the
 * run happens outside the app's main process and the UI stays responsive. Events become the job's progress
 * (fraction over all stages' steps) and metrics (loss/lr per step, val Dice per validation).
 */
import type { TrainParams } from '../../api/contract.js';
import type { JobContext, JobIO } from '../../host/jobs/protocol.js';
import type { TrainConfigInput } from '../data/config.js';
import type { TrainDevice } from '../trainer.js';
import type { ModelSpec } from '../spec.js';
import type { TrainEvent, TrainResult } from './events.js';
import { runTraining } from './run-training.js';

/** The API's TrainParams, plus what only programs set: a whole run configuration and a network spec. */
export interface TrainJobParams extends TrainParams {
  readonly config?: TrainConfigInput;
  readonly spec?: ModelSpec;
}

/** TrainParams fields override the same fields of `config`. */
export function configFromParams(p: TrainJobParams): TrainConfigInput {
  const c: Record<string, unknown> = {
    ...(p.config ?? {}),
    epochs: p.epochs, patch: p.patch, batch: p.batch, lr: p.lr, optimizer: p.optimizer,
    schedule: p.schedule ? { kind: p.schedule } : undefined, valEvery: p.valEvery, stage: p.stage, seed: p.seed,
  };
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as TrainConfigInput;
}


/** Maps run events onto job progress: each stage takes an equal share of the fraction. */
export function progressOf(e: TrainEvent, stageIndex: number, stages: number): { fraction: number; stage: string } | undefined {
  if (e.type === 'preprocess') return { fraction: 0, stage: `preprocess ${e.done}/${e.total}` };
  if (e.type !== 'step') return undefined;
  return { fraction: Math.min(1, (stageIndex + e.step / e.totalSteps) / stages), stage: `${e.stage} epoch ${e.epoch}` };
}

export async function trainJob(params: unknown, context: JobContext, io: JobIO): Promise<TrainResult> {
  const p = (params ?? {}) as TrainJobParams;
  const config = configFromParams(p);
  const stages = config.stage === 'both' ? 2 : 1;
  let stageIndex = -1;
  return runTraining(
    {
      workspaceDir: context.workspaceDir,
      config,
      spec: p.spec,
      // The host resolves the model to fine-tune from (workspace, then bundled) into context.modelDir.
      from: p.fromModel ? (context.modelDir ?? p.fromModel) : undefined,
      name: p.name,
      device: p.device && p.device !== 'auto' ? (p.device as TrainDevice) : undefined,
      command: `app: train ${JSON.stringify(p)}`,
    },
    {
      signal: io.signal,
      onEvent: (e) => {
        if (e.type === 'stage') stageIndex++;
        const prog = progressOf(e, Math.max(0, stageIndex), stages);
        if (prog) io.progress(prog.fraction, prog.stage);
        if (e.type === 'step') io.metric({ step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr });
        if (e.type === 'validation') io.metric({ step: e.step, epoch: e.epoch, valDice: e.mean });
        if (e.type === 'early-stop') io.log(`stopped early at epoch ${e.epoch} (best epoch ${e.bestEpoch})`);
      },
    },
  );
}
