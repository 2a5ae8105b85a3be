/**
 * One stage of a run (coarse or fine): steps over seeded batches; an epoch is `budget.stepsPerEpoch` steps
 * whatever the number of cases, so the budget, the validation cadence and the patience mean the same with one
 * case or a hundred. Validation every `validation.everyEpochs` epochs keeps the best network as ONNX; early
 * stopping needs `patience` validations without improvement AND `minFraction` of the budget done; the minutes
 * budget ends the stage at a clean step (after a last validation). A stop request ends it within the running
 * step: the step's result is discarded and the checkpoint holds the last finished step.
 */
import { writeFileAtomic } from '../../io/atomic.js';
import { cancelledError, isLobuleError } from '../../errors.js';
import type { ModelSpec } from '../spec.js';
import type { WeightSet } from '../weights.js';
import { buildInferenceModel } from '../export.js';
import type { Size3 } from '../data/config.js';
import type { TrainPlan } from '../../common/train-plan/schema.js';
import { batchAt, type CaseSource, type SamplerOptions } from '../data/sampler.js';
import type { TrainEventHandler } from './events.js';
import type { BestValidation, RunFolder, RunState, StageName } from './run-state.js';
import { validate, type ValidationCase } from './validate.js';
import type { Device } from '../../onnx/session-factory.js';

/** The part of the trainer a stage drives (engine/training's OrtTrainer behind an adapter). */
export interface StepTrainer {
  /** Rejects with E_CANCELLED as soon as `signal` aborts; the weights then stay those of the last finished step. */
  step(image: Float32Array, label: Float32Array, lr: number, signal?: AbortSignal): Promise<{ loss: number }>;
  weights(): WeightSet;
  saveCheckpoint(path: string): Promise<void>;
  release(): Promise<void>;
}

export interface StageRun {
  readonly stage: StageName;
  readonly plan: TrainPlan;
  readonly spec: ModelSpec;
  readonly patch: Size3;
  readonly train: CaseSource;
  readonly val: readonly ValidationCase[];
  readonly trainer: StepTrainer;
  readonly state: RunState;
  readonly folder: RunFolder;
  /** Seconds this stage may run (its share of the minutes budget), or null. */
  readonly secondsBudget: number | null;
  /** Learning rate at a fractional epoch. */
  readonly lrAt: (epoch: number) => number;
  readonly emit: TrainEventHandler;
  readonly signal?: AbortSignal;
  readonly device?: Device;
}

export interface StageOutcome {
  readonly best: BestValidation | null;
  readonly ended: 'steps' | 'minutes' | 'early-stop';
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

/** Runs the stage; a stop at any point (a step, a validation) first writes a checkpoint of the last finished step. */
export async function runStage(r: StageRun): Promise<StageOutcome> {
  try {
    return await stageSteps(r);
  } catch (e) {
    if (isLobuleError(e) && e.code === 'E_CANCELLED') await checkpoint(r);
    throw e;
  }
}

/** Seconds of this stage so far (the run's clock minus the stages before it). */
const stageSeconds = (s: RunState) => s.seconds - s.completedSeconds;

async function stageSteps(r: StageRun): Promise<StageOutcome> {
  const { plan, state, stage } = r;
  const sampler: SamplerOptions = {
    patch: r.patch,
    batch: plan.sampling.batch,
    samplesPerVolume: plan.sampling.samplesPerVolume,
    posNegRatio: plan.sampling.posNegRatio,
    augment: plan.augment,
    padValue: 0,
    seed: plan.seeds.train,
    stepsPerEpoch: plan.budget.stepsPerEpoch,
  };
  const spe = plan.budget.stepsPerEpoch;
  const total = spe * plan.budget.epochs;
  const minStepForEarlyStop = Math.ceil(plan.validation.minFraction * total);
  r.emit({ type: 'stage', stage, totalSteps: total, stepsPerEpoch: spe, startStep: state.step, secondsBudget: r.secondsBudget });
  let rate = 0;
  let lastValidated = -1;
  const validateHere = async () => {
    const t0 = performance.now();
    await validation(r, Math.floor(state.step / spe));
    state.seconds += (performance.now() - t0) / 1000;
    lastValidated = state.step;
  };
  let ended: StageOutcome['ended'] = 'steps';
  while (state.step < total) {
    if (r.signal?.aborted) throw cancelledError('training');
    if (r.secondsBudget !== null && stageSeconds(state) >= r.secondsBudget) {
      ended = 'minutes';
      break;
    }
    const t0 = performance.now();
    const batch = await batchAt(state.step, r.train, sampler);
    const lr = r.lrAt(state.step / spe);
    const { loss } = await r.trainer.step(batch.image, labelTensor(batch.label, plan.sampling.batch, r.spec), lr, r.signal);
    const seconds = (performance.now() - t0) / 1000;
    state.seconds += seconds;
    state.step++;
    rate = rate === 0 ? 1 / seconds : 0.8 * rate + 0.2 / seconds;
    const epoch = Math.floor(state.step / spe);
    const bySteps = (total - state.step) / rate;
    const byTime = r.secondsBudget === null ? Infinity : Math.max(0, r.secondsBudget - stageSeconds(state));
    r.emit({
      type: 'step',
      stage,
      step: state.step,
      totalSteps: total,
      epoch,
      stepsPerEpoch: spe,
      loss,
      lr,
      stepsPerS: rate,
      etaS: Math.min(bySteps, byTime),
    });
    const epochEnd = state.step % spe === 0;
    if (epochEnd && r.val.length > 0 && (epoch % plan.validation.everyEpochs === 0 || state.step === total)) {
      await validateHere();
      const patience = plan.validation.patience;
      if (patience > 0 && state.validationsSinceBest >= patience && state.step < total && state.step >= minStepForEarlyStop) {
        r.emit({ type: 'early-stop', stage, epoch, bestEpoch: state.best[stage]?.epoch ?? 0 });
        ended = 'early-stop';
        await checkpoint(r);
        break;
      }
    }
    if (state.step % plan.checkpointEvery === 0 || state.step === total) await checkpoint(r);
    // Lets a SIGINT or a host's stop message be handled between steps even when step() finished synchronously.
    await new Promise<void>((res) => setImmediate(res));
  }
  if (ended === 'minutes') {
    r.emit({ type: 'time-up', stage, step: state.step, minutes: (r.secondsBudget ?? 0) / 60 });
    // The best model is chosen on a validation of the last weights too, so no trained step is wasted.
    if (r.val.length > 0 && lastValidated !== state.step && state.step > 0) await validateHere();
    await checkpoint(r);
  }
  if (r.val.length === 0) await writeFileAtomic(r.folder.bestModelPath(stage), buildInferenceModel(r.spec, r.trainer.weights()));
  return { best: state.best[stage] ?? null, ended };
}

async function validation(r: StageRun, epoch: number): Promise<void> {
  const { state, stage } = r;
  const onnx = buildInferenceModel(r.spec, r.trainer.weights());
  const res = await validate(onnx, r.val, r.spec.outputActivation === 'softmax' ? r.spec.outClasses - 1 : r.spec.outClasses, {
    patch: r.patch,
    overlap: r.plan.inference.overlap,
    threshold: r.plan.inference.threshold,
    activation: r.spec.outputActivation,
    postprocess: r.plan.inference,
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
