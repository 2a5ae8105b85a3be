/**
 * The 'train' job: runs engine/training/run's `runTraining` in the job process and forwards its events as
 * job progress and training-curve points. The run opens the workspace read-only and writes only its own run
 * folder (runs/) and, at the end, its model package (models/, atomically); the host then announces the model.
 */
import type { TrainParams } from '../../engine/api/contract.js';
import { runTraining, type RunTrainingOptions } from '../../engine/training/run/run-training.js';
import type { TrainEvent } from '../../engine/training/run/events.js';
import type { TrainDevice } from '../../engine/training/trainer.js';
import type { JobContext, JobIO } from './protocol.js';

export interface TrainJobValue {
  readonly modelDir: string | null;
  readonly modelName: string | null;
  readonly runId: string;
  readonly bestValDice: number | null;
}

/** The contract's TrainParams as the run's options (config fields left out keep the study's defaults). */
export function trainingOptions(params: TrainParams, context: JobContext): RunTrainingOptions {
  const config: NonNullable<RunTrainingOptions['config']> = {
    ...(params.epochs !== undefined && { epochs: params.epochs }),
    ...(params.patch !== undefined && { patch: params.patch }),
    ...(params.batch !== undefined && { batch: params.batch }),
    ...(params.lr !== undefined && { lr: params.lr }),
    ...(params.optimizer !== undefined && { optimizer: params.optimizer }),
    ...(params.schedule !== undefined && { schedule: { kind: params.schedule } }),
    ...(params.valEvery !== undefined && { valEvery: params.valEvery }),
    ...(params.stage !== undefined && { stage: params.stage }),
    ...(params.seed !== undefined && { seed: params.seed }),
    ...(params.stepsPerEpoch !== undefined && { stepsPerEpoch: params.stepsPerEpoch }),
    ...(params.spacing !== undefined && { preprocess: { spacing: [params.spacing[0], params.spacing[1], params.spacing[2]] as [number, number, number] } }),
  };
  const device = params.device === undefined || params.device === 'auto' ? undefined : (params.device as TrainDevice);
  return {
    workspaceDir: context.workspaceDir,
    config,
    from: params.fromModel ? (context.modelDir ?? params.fromModel) : undefined,
    name: params.name,
    device,
    command: `app: train ${JSON.stringify(params)}`,
  };
}

/** Maps run events onto one 0..1 fraction over all stages (preprocessing counts as the first 5 %). */
export function trainProgress(stages: number, io: JobIO): (e: TrainEvent) => void {
  let stageIndex = -1;
  const within = (f: number) => 0.05 + (0.95 * (Math.max(0, stageIndex) + Math.min(1, f))) / stages;
  return (e) => {
    if (e.type === 'preprocess') io.progress((0.05 * e.done) / Math.max(1, e.total), 'preprocess');
    else if (e.type === 'stage') {
      stageIndex++;
      io.progress(within(e.totalSteps ? e.startStep / e.totalSteps : 0), `${e.stage} stage`);
    } else if (e.type === 'step') {
      io.progress(within(e.step / Math.max(1, e.totalSteps)), `${e.stage} epoch ${e.epoch}`);
      io.metric({ step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr });
    } else if (e.type === 'validation') {
      io.metric({ step: e.step, epoch: e.epoch, valDice: e.mean });
    } else if (e.type === 'early-stop') {
      io.log(`${e.stage}: stopped early at epoch ${e.epoch} (best epoch ${e.bestEpoch})`);
    }
  };
}

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<TrainJobValue> {
  const params = raw as TrainParams;
  io.progress(0, 'prepare');
  const stages = params.stage === 'both' ? 2 : 1;
  const result = await runTraining(trainingOptions(params, context), { signal: io.signal, onEvent: trainProgress(stages, io) });
  return { modelDir: result.modelDir, modelName: result.modelId, runId: result.runId, bestValDice: result.bestValDice };
}
