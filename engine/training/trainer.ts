/**
 * Runs compiled training steps in onnxruntime-node. Weights and optimizer state live in JS between steps and are
 * fed back as graph inputs, so a checkpoint is just those arrays plus the step count.
 */
import * as ort from '../onnx/ort.js';
import { LobuleError } from '../errors.js';
import { compileTrainingStep, type TrainingStepOptions, type TrainingStepProgram } from './compile.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { ModelSpec } from './spec.js';
import { checkWeights, cloneWeights, initWeights, type WeightSet } from './weights.js';

export type TrainDevice = 'cpu' | 'cuda' | 'dml' | 'coreml';

export interface TrainerInit {
  weights?: WeightSet;
  /** Optimizer state by input name ('state.<param>.<slot>'), as from optimizerState(). */
  state?: WeightSet;
  step?: number;
  device?: TrainDevice;
  /** Seed for initWeights when no weights are given. */
  seed?: number;
  /** Logs the one line about an unavailable device (default console.warn). */
  log?: (line: string) => void;
}

async function createSession(bytes: Uint8Array, device: TrainDevice, log: (l: string) => void): Promise<{ session: ort.InferenceSession; device: TrainDevice }> {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  if (device !== 'cpu') {
    try {
      return { session: await ort.InferenceSession.create(bytes, { ...options, executionProviders: [device] }), device };
    } catch (e) {
      log(`training device '${device}' is not available here (${(e as Error).message.split('\n')[0]}); training on the CPU instead`);
    }
  }
  return { session: await ort.InferenceSession.create(bytes, { ...options, executionProviders: ['cpu'] }), device: 'cpu' };
}

export class OrtTrainer {
  private constructor(
    readonly spec: ModelSpec,
    readonly options: TrainingStepOptions,
    readonly program: TrainingStepProgram,
    private readonly session: ort.InferenceSession,
    readonly device: TrainDevice,
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
        if (init.state) throw new LobuleError('E_MODEL', `optimizer state lacks ${name}`, 'Resume with the state saved for this optimizer, or start a fresh one');
        return new Float32Array(size);
      }
      if (s.data.length !== size) throw new LobuleError('E_MODEL', `optimizer state ${name} has ${s.data.length} values, expected ${size}`, 'Resume with the state saved for this optimizer and model');
      return s.data.slice();
    });
    const { session, device } = await createSession(program.onnx, init.device ?? 'cpu', init.log ?? ((l) => console.warn(l)));
    return new OrtTrainer(spec, options, program, session, device, params, state, init.step ?? 0);
  }

  get stepCount(): number {
    return this.steps;
  }

  /** One optimizer step on a batch; `image`/`label` in the [B, C, Z, Y, X] layout of program.imageDims/labelDims. */
  async step(image: Float32Array, label: Float32Array, lr: number): Promise<{ loss: number; gradients?: WeightSet }> {
    const p = this.program;
    const count = (d: number[]) => d.reduce((a, b) => a * b, 1);
    if (image.length !== count(p.imageDims)) throw new LobuleError('E_INVALID_ARGUMENT', `image batch has ${image.length} values, expected [${p.imageDims}]`, 'Pass patches of the compiled batch and patch size');
    if (label.length !== count(p.labelDims)) throw new LobuleError('E_INVALID_ARGUMENT', `label batch has ${label.length} values, expected [${p.labelDims}]`, 'Pass one 0/1 channel per output class');
    const feeds: Record<string, ort.Tensor> = {
      image: new ort.Tensor('float32', image, p.imageDims),
      label: new ort.Tensor('float32', label, p.labelDims),
      lr: new ort.Tensor('float32', new Float32Array([lr]), []),
      step: new ort.Tensor('float32', new Float32Array([this.steps]), []),
    };
    p.weightInputs.forEach((n, i) => (feeds[n] = new ort.Tensor('float32', this.params[i], p.weightDims[i])));
    p.stateInputs.forEach((n, i) => (feeds[n] = new ort.Tensor('float32', this.state[i], p.stateDims[i])));
    const out = await this.session.run(feeds);
    const loss = (out.loss.data as Float32Array)[0];
    if (!Number.isFinite(loss)) {
      throw new LobuleError('E_JOB_FAILED', `training step ${this.steps + 1} produced a non-finite loss (${loss}); weights were left unchanged`, 'Lower the learning rate or check the image and label data');
    }
    this.params = p.weightOutputs.map((n) => out[n].data as Float32Array);
    this.state = p.stateOutputs.map((n) => out[n].data as Float32Array);
    this.steps++;
    if (p.gradientOutputs.length === 0) return { loss };
    return { loss, gradients: new Map(p.gradientOutputs.map((n, i) => [p.weightNames[i], { data: out[n].data as Float32Array, dims: p.weightDims[i] }])) };
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
    await writeCheckpoint(path, { spec: this.spec, options: this.options, step: this.steps, weights: this.weights(), state: this.optimizerState() });
  }

  /** Resumes from a checkpoint; `opts` may override the device (and anything else, e.g. a new patch size). */
  static async loadCheckpoint(path: string, opts: Partial<TrainingStepOptions> & { device?: TrainDevice; log?: (l: string) => void } = {}): Promise<OrtTrainer> {
    const ck = await readCheckpoint(path);
    const { device, log, ...over } = opts;
    return OrtTrainer.create(ck.spec, { ...ck.options, ...over }, { weights: cloneWeights(ck.weights), state: ck.state, step: ck.step, device, log });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
