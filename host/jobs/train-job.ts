/**
 * The 'train' job: runs engine/training/run's `runTraining` in the job process and forwards its events as
 * job progress (with epoch and time left) and training-curve points. The params are the contract's TrainParams:
 * a model to fine-tune and a `plan` override, the same override type `lobule train`'s flags produce. The run
 * opens the workspace read-only and writes only its run folder and, at the end, its model package; it never
 * makes a model active.
 */
import type { ModelSelection, TrainParams } from '../../engine/api/contract.js';
import { runTraining, type RunTrainingOptions } from '../../engine/training/run/run-training.js';
import type { TrainEvent } from '../../engine/training/run/events.js';
import type { Selection } from '../../engine/training/run/run-state.js';
import type { JobContext, JobIO } from './protocol.js';

export interface TrainJobValue {
  readonly modelDir: string | null;
  readonly modelName: string | null;
  readonly runId: string;
  readonly bestValDice: number | null;
  readonly selection: ModelSelection | null;
  /** The execution provider training ran on. */
  readonly device: string;
}

/** The contract's TrainParams as the run's options. */
export function trainingOptions(params: TrainParams, context: JobContext, log?: (line: string) => void): RunTrainingOptions {
  return {
    workspaceDir: context.workspaceDir,
    overrides: params.plan ? [{ source: 'the Training panel settings', override: params.plan }] : [],
    from: params.fromModel ? (context.modelDir ?? params.fromModel) : undefined,
    name: params.name,
    device: params.device ?? 'auto',
    noVal: params.noVal,
    command: `app: train ${JSON.stringify(params)}`,
    log,
  };
}

/** The record's comparison in the contract's terms. */
export function toModelSelection(s: Selection | null): ModelSelection | null {
  if (!s) return null;
  return { role: 'selection', cases: s.cases, dice: s.candidate.dice, baseModel: s.base?.model ?? null, baseDice: s.base?.dice ?? null };
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left`;
}

/** Maps run events onto one 0..1 fraction over all stages (preprocessing counts as the first 5 %, comparing the last 5 %). */
export function trainProgress(stages: number, io: JobIO): (e: TrainEvent) => void {
  let stageIndex = -1;
  let epochs = 0;
  const within = (f: number) => 0.05 + (0.9 * (Math.max(0, stageIndex) + Math.min(1, f))) / stages;
  return (e) => {
    if (e.type === 'preprocess') io.progress((0.05 * e.done) / Math.max(1, e.total), 'preprocess');
    else if (e.type === 'device') io.log(`training on ${e.device}`);
    else if (e.type === 'stage') {
      stageIndex++;
      epochs = Math.ceil(e.totalSteps / e.stepsPerEpoch);
      io.progress(within(e.totalSteps ? e.startStep / e.totalSteps : 0), `${e.stage} stage`);
    } else if (e.type === 'step') {
      io.progress(
        within(e.step / Math.max(1, e.totalSteps)),
        `${e.stage} · epoch ${Math.min(epochs, e.epoch + 1)}/${epochs} · ${clock(e.etaS)}`,
      );
      io.metric({ step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr });
    } else if (e.type === 'validation') {
      io.metric({ step: e.step, epoch: e.epoch, valDice: e.mean });
    } else if (e.type === 'early-stop') {
      io.log(`${e.stage}: stopped early at epoch ${e.epoch} (best epoch ${e.bestEpoch})`);
    } else if (e.type === 'time-up') {
      io.log(`${e.stage}: the ${e.minutes.toFixed(1)}-minute budget is used up; keeping the best model`);
    } else if (e.type === 'compare') {
      io.progress(0.95 + (0.05 * e.done) / Math.max(1, e.total), `comparing with the active model (${e.model})`);
    }
  };
}

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<TrainJobValue> {
  const params = raw as TrainParams;
  io.progress(0, 'prepare');
  const stages = params.plan?.stage === 'both' ? 2 : 1;
  const result = await runTraining(
    trainingOptions(params, context, (l) => io.log(l)),
    { signal: io.signal, onEvent: trainProgress(stages, io) },
  );
  return {
    modelDir: result.modelDir,
    modelName: result.modelId,
    runId: result.runId,
    bestValDice: result.bestValDice,
    selection: toModelSelection(result.selection),
    device: result.device,
  };
}
