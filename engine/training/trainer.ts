/**
 * Runs compiled training steps in onnxruntime-node. Weights and optimizer state live in JS between steps and are
 * fed back as graph inputs, so a checkpoint is just those arrays plus the step count. Sessions come from the one
 * factory and device policy (engine/onnx/session-factory.ts) that inference uses, on a worker thread
 * (off-thread-session.ts) so that a Stop ends a step at once instead of after it.
 */
import type { Device, Provider } from '../onnx/session-factory.js';
import { OffThreadSession, type WireTensor } from '../onnx/off-thread-session.js';
import { LobuleError } from '../errors.js';
import { compileTrainingStep, type TrainingStepOptions, type TrainingStepProgram } from './compile.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { ModelSpec } from './spec.js';
import { checkWeights, cloneWeights, initWeights, type WeightSet } from './weights.js';

/** A device a run may ask for: `auto` falls back to the CPU with one logged line, an explicit one fails loudly. */
export type TrainDevice = Device;

export interface TrainerInit {
  weights?: WeightSet;
  /** Optimizer state by input name ('state.<param>.<slot>'), as from optimizerState(). */
  state?: WeightSet;
  step?: number;
  device?: TrainDevice;
  /** Seed for initWeights when no weights are given. */
  seed?: number;
  /** Where the one line about `auto` falling back to the CPU goes (default stderr). */
  log?: (line: string) => void;
}

export class OrtTrainer {
  private constructor(
    readonly spec: ModelSpec,
    readonly options: TrainingStepOptions,
    readonly program: TrainingStepProgram,
    private readonly session: OffThreadSession,
    /** The execution provider the steps actually run on. */
    readonly device: Provider,
    private params: Float32Array[],
    private state: Float32Array[],
    private steps: number,
  ) {}

  static async create(spec: ModelSpec, options: TrainingStepOptions, init: TrainerInit = {}): Promise<OrtTrainer> {
    const program = compileTrainingStep(spec, options);
    const weights = init.weights ?? initWeights(spec, init.seed ?? 0);
    checkWeights(spec, weights);
    const params = program.weightNames.map((n) => weights.get(n)!.data.slice());
    const state = program.stateInputs.map((name, i) => {
      const s = init.state?.get(name);
      const size = program.stateDims[i].reduce((a, b) => a * b, 1);
      if (!s) {
        if (init.state)
          throw new LobuleError(
            'E_MODEL',
            `optimizer state lacks ${name}`,
            'Resume with the state saved for this optimizer, or start a fresh one',
          );
        return new Float32Array(size);
      }
      if (s.data.length !== size)
        throw new LobuleError(
          'E_MODEL',
          `optimizer state ${name} has ${s.data.length} values, expected ${size}`,
          'Resume with the state saved for this optimizer and model',
        );
      return s.data.slice();
    });
    const session = await OffThreadSession.create(program.onnx, init.device ?? 'cpu', { log: init.log, purpose: 'training' });
    return new OrtTrainer(spec, options, program, session, session.provider, params, state, init.step ?? 0);
  }

  get stepCount(): number {
    return this.steps;
  }

  /**
   * One optimizer step on a batch; `image`/`label` in the [B, C, Z, Y, X] layout of program.imageDims/labelDims.
   * When `signal` aborts mid-step the promise rejects at once (E_CANCELLED) and the step's result is dropped,
   * so the weights stay those of the last finished step (what a stop checkpoint must hold).
   */
  async step(image: Float32Array, label: Float32Array, lr: number, signal?: AbortSignal): Promise<{ loss: number; gradients?: WeightSet }> {
    const p = this.program;
    const count = (d: number[]) => d.reduce((a, b) => a * b, 1);
    if (image.length !== count(p.imageDims))
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `image batch has ${image.length} values, expected [${p.imageDims}]`,
        'Pass patches of the compiled batch and patch size',
      );
    if (label.length !== count(p.labelDims))
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `label batch has ${label.length} values, expected [${p.labelDims}]`,
        'Pass one 0/1 channel per output class',
      );
    const f32 = (data: Float32Array, dims: readonly number[]): WireTensor => ({ type: 'float32', data, dims });
    const feeds: Record<string, WireTensor> = {
      image: f32(image, p.imageDims),
      label: f32(label, p.labelDims),
      lr: f32(new Float32Array([lr]), []),
      step: f32(new Float32Array([this.steps]), []),
    };
    p.weightInputs.forEach((n, i) => (feeds[n] = f32(this.params[i], p.weightDims[i])));
    p.stateInputs.forEach((n, i) => (feeds[n] = f32(this.state[i], p.stateDims[i])));
    const out = await this.session.run(feeds, signal);
    const loss = (out.loss.data as Float32Array)[0];
    if (!Number.isFinite(loss)) {
      throw new LobuleError(
        'E_JOB_FAILED',
        `training step ${this.steps + 1} produced a non-finite loss (${loss}); weights were left unchanged`,
        'Lower the learning rate or check the image and label data',
      );
    }
    this.params = p.weightOutputs.map((n) => out[n].data as Float32Array);
    this.state = p.stateOutputs.map((n) => out[n].data as Float32Array);
    this.steps++;
    if (p.gradientOutputs.length === 0) return { loss };
    return {
      loss,
      gradients: new Map(p.gradientOutputs.map((n, i) => [p.weightNames[i], { data: out[n].data as Float32Array, dims: p.weightDims[i] }])),
    };
  }

  /** A copy of the current weights. */
  weights(): WeightSet {
    return new Map(this.program.weightNames.map((n, i) => [n, { data: this.params[i].slice(), dims: [...this.program.weightDims[i]] }]));
  }

  /** A copy of the optimizer state, keyed by graph input name. */
  optimizerState(): WeightSet {
    return new Map(this.program.stateInputs.map((n, i) => [n, { data: this.state[i].slice(), dims: [...this.program.stateDims[i]] }]));
  }

  async saveCheckpoint(path: string): Promise<void> {
    await writeCheckpoint(path, {
      spec: this.spec,
      options: this.options,
      step: this.steps,
      weights: this.weights(),
      state: this.optimizerState(),
    });
  }

  /** Resumes from a checkpoint; `opts` may override the device (and anything else, e.g. a new patch size). */
  static async loadCheckpoint(
    path: string,
    opts: Partial<TrainingStepOptions> & { device?: TrainDevice; log?: (l: string) => void } = {},
  ): Promise<OrtTrainer> {
    const ck = await readCheckpoint(path);
    const { device, log, ...over } = opts;
    return OrtTrainer.create(
      ck.spec,
      { ...ck.options, ...over },
      { weights: cloneWeights(ck.weights), state: ck.state, step: ck.step, device, log },
    );
  }

  /** Frees the session after the step in flight, if any (a stopped step is dropped, not waited for by callers). */
  dispose(): Promise<void> {
    return this.session.release();
  }
}
