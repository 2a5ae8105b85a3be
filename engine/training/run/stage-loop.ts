/**
 * One stage of a run (coarse or fine): steps over seeded batches, validation every `valEvery` epochs with the
 * best network kept as ONNX, early stopping after `patience` validations without improvement, checkpoints every
 * `checkpointEvery` steps and whenever the run is cancelled. All progress is in `state`, saved with each
 * checkpoint, so a resumed stage continues at the saved step with the same batches.
 */
import { writeFileAtomic } from '../../io/atomic.js';
import { cancelledError, isLobuleError } from '../../errors.js';
import type { ModelSpec } from '../spec.js';
import type { WeightSet } from '../weights.js';
import { buildInferenceModel } from '../export.js';
import type { Size3, TrainConfig } from '../data/config.js';
import { batchAt, stepsPerEpoch, type CaseSource, type SamplerOptions } from '../data/sampler.js';
import type { TrainEventHandler } from './events.js';
import type { BestValidation, RunFolder, RunState, StageName } from './run-state.js';
import { validate, type ValidationCase } from './validate.js';
import type { Device } from '../../inference/session.js';

/** The part of the trainer a stage drives (engine/training's OrtTrainer behind an adapter). */
export interface StepTrainer {
  step(image: Float32Array, label: Float32Array, lr: number): Promise<{ loss: number }>;
  weights(): WeightSet;
  saveCheckpoint(path: string): Promise<void>;
  release(): Promise<void>;
}

export interface StageRun {
  readonly stage: StageName;
  readonly config: TrainConfig;
  readonly spec: ModelSpec;
  readonly patch: Size3;
  readonly train: CaseSource;
  readonly val: readonly ValidationCase[];
  readonly trainer: StepTrainer;
  readonly state: RunState;
  readonly folder: RunFolder;
  /** Learning rate at a fractional epoch. */
  readonly lrAt: (epoch: number) => number;
  readonly emit: TrainEventHandler;
  readonly signal?: AbortSignal;
  readonly device?: Device;
}

export interface StageOutcome {
  readonly best: BestValidation | null;
  readonly stoppedEarly: boolean;
}

/** Class masks in the trainer's label layout [B, outClasses, z, y, x]: sigmoid channel c−1 is class c; softmax channel c is class c. */
export function labelTensor(label: Uint8Array, batch: number, spec: ModelSpec): Float32Array {
  const vox = label.length / batch;
  const out = new Float32Array(batch * spec.outClasses * vox);
  const offset = spec.outputActivation === 'softmax' ? 0 : 1;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < vox; i++) {
      const ch = label[b * vox + i] - offset;
      if (ch >= 0 && ch < spec.outClasses) out[(b * spec.outClasses + ch) * vox + i] = 1;
    }
  }
  return out;
}

/** Runs the stage; a cancel at any point (a step, a validation) first writes a checkpoint of the last finished step. */
export async function runStage(r: StageRun): Promise<StageOutcome> {
  try {
    return await stageSteps(r);
  } catch (e) {
    if (isLobuleError(e) && e.code === 'E_CANCELLED') await checkpoint(r);
    throw e;
  }
}

async function stageSteps(r: StageRun): Promise<StageOutcome> {
  const { config, state, stage } = r;
  const sampler: SamplerOptions = {
    patch: r.patch,
    batch: config.batch,
    samplesPerVolume: config.samplesPerVolume,
    posNegRatio: config.posNegRatio,
    augment: config.augment,
    padValue: 0,
    seed: config.seed,
    stepsPerEpoch: config.stepsPerEpoch,
  };
  const spe = stepsPerEpoch(r.train.count, sampler);
  const total = spe * config.epochs;
  r.emit({ type: 'stage', stage, totalSteps: total, stepsPerEpoch: spe, startStep: state.step });
  let rate = 0;
  let stoppedEarly = false;
  while (state.step < total) {
    if (r.signal?.aborted) throw cancelledError('training');
    const t0 = performance.now();
    const batch = await batchAt(state.step, r.train, sampler);
    const lr = r.lrAt(state.step / spe);
    const { loss } = await r.trainer.step(batch.image, labelTensor(batch.label, config.batch, r.spec), lr);
    const seconds = (performance.now() - t0) / 1000;
    state.seconds += seconds;
    state.step++;
    rate = rate === 0 ? 1 / seconds : 0.8 * rate + 0.2 / seconds;
    const epoch = Math.floor(state.step / spe);
    r.emit({ type: 'step', stage, step: state.step, totalSteps: total, epoch, loss, lr, stepsPerS: rate, etaS: (total - state.step) / rate });
    const epochEnd = state.step % spe === 0;
    if (epochEnd && r.val.length > 0 && (epoch % config.valEvery === 0 || state.step === total)) {
      await validation(r, epoch);
      if (config.patience > 0 && state.validationsSinceBest >= config.patience && state.step < total) {
        r.emit({ type: 'early-stop', stage, epoch, bestEpoch: state.best[stage]?.epoch ?? 0 });
        stoppedEarly = true;
        await checkpoint(r);
        break;
      }
    }
    if (state.step % config.checkpointEvery === 0 || state.step === total) await checkpoint(r);
    // Lets a SIGINT or a host's cancel message be handled between steps even when step() finished synchronously.
    await new Promise<void>((res) => setImmediate(res));
  }
  if (r.val.length === 0) await writeFileAtomic(r.folder.bestModelPath(stage), buildInferenceModel(r.spec, r.trainer.weights()));
  return { best: state.best[stage] ?? null, stoppedEarly };
}

async function validation(r: StageRun, epoch: number): Promise<void> {
  const { state, stage } = r;
  const onnx = buildInferenceModel(r.spec, r.trainer.weights());
  const res = await validate(onnx, r.val, r.spec.outputActivation === 'softmax' ? r.spec.outClasses - 1 : r.spec.outClasses, {
    patch: r.patch,
    overlap: r.config.overlap,
    threshold: r.config.threshold,
    activation: r.spec.outputActivation,
    device: r.device,
    signal: r.signal,
  });
  const prev = state.best[stage];
  const better = !prev || res.mean > prev.dice;
  if (better) {
    await writeFileAtomic(r.folder.bestModelPath(stage), onnx);
    state.best[stage] = { dice: res.mean, step: state.step, epoch, perCase: res.dice };
    state.validationsSinceBest = 0;
  } else state.validationsSinceBest++;
  r.emit({ type: 'validation', stage, step: state.step, epoch, dice: res.dice, mean: res.mean, best: better });
}

async function checkpoint(r: StageRun): Promise<void> {
  const path = r.folder.checkpointPath(r.stage);
  await r.trainer.saveCheckpoint(path);
  await r.folder.saveState(r.state);
  r.emit({ type: 'checkpoint', stage: r.stage, step: r.state.step, path });
}
