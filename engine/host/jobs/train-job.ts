/**
 * The 'train' job: calls engine/training/run's `runTraining(options, {signal, onEvent})` (issue 7) in the job
 * process and forwards its events as progress and curve points. The run writes its model package and run
 * folder itself (inside the workspace's models/ and runs/); the host only registers the result.
 */
import type { TrainParams } from '../../api/contract.js';
import { engineModule } from './engine-modules.js';
import type { JobContext, JobIO } from './protocol.js';

/** A training event, read loosely: issue 7 settles the exact shape. */
interface TrainingEvent {
  readonly type?: string;
  readonly step?: number;
  readonly epoch?: number;
  readonly totalSteps?: number;
  readonly fraction?: number;
  readonly loss?: number;
  readonly lr?: number;
  readonly valDice?: number;
  readonly message?: string;
}

interface TrainingModule {
  runTraining(
    options: Record<string, unknown>,
    hooks: { signal: AbortSignal; onEvent: (e: TrainingEvent) => void },
  ): Promise<{ modelDir?: string; modelName?: string; runId?: string; bestValDice?: number | null } & Record<string, unknown>>;
}

export interface TrainJobValue {
  readonly modelDir: string | null;
  readonly modelName: string | null;
  readonly runId: string;
  readonly bestValDice: number | null;
}

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<TrainJobValue> {
  const params = raw as TrainParams;
  const { runTraining } = await engineModule<TrainingModule>('training/run/index', 'training');
  io.progress(0, 'prepare');
  const result = await runTraining(
    { ...params, workspace: context.workspaceDir },
    {
      signal: io.signal,
      onEvent: (e) => {
        const fraction = e.fraction ?? (e.step !== undefined && e.totalSteps ? e.step / e.totalSteps : undefined);
        if (fraction !== undefined) io.progress(fraction, e.epoch !== undefined ? `epoch ${e.epoch}` : (e.type ?? 'train'));
        if (e.step !== undefined && (e.loss !== undefined || e.valDice !== undefined)) {
          io.metric({ step: e.step, epoch: e.epoch ?? 0, loss: e.loss, lr: e.lr, valDice: e.valDice });
        }
        if (e.message) io.log(e.message);
      },
    },
  );
  return {
    modelDir: result.modelDir ?? null,
    modelName: result.modelName ?? null,
    runId: result.runId ?? 'run',
    bestValDice: result.bestValDice ?? null,
  };
}
