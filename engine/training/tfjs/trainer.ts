/**
 * The optional `tfjs` training backend: the same spec, WeightSet and optimizer state as OrtTrainer, with
 * gradients from TF.js autodiff. It uses @tensorflow/tfjs-node-gpu or -node when installed and otherwise the
 * pure-JS CPU backend (about 100x slower than ONNX Runtime here; meant for checks, not for real training).
 */
import * as tf from '@tensorflow/tfjs';
import { LobuleError } from '../../errors.js';
import type { TrainingStepOptions } from '../compile.js';
import { optimizerStateShapes, resolveOptimizer, type ResolvedOptimizer } from '../optimizers.js';
import { checkPatch, type ModelSpec } from '../spec.js';
import { checkWeights, cloneWeights, initWeights, paramShapes, type WeightSet } from '../weights.js';
import type { TrainerInit } from '../trainer.js';
import { tfjsLossAndGrads } from './unet.js';
import { applyUpdate } from './optimizer-js.js';

/** Loads a native TF.js backend when one is installed; returns the backend name in use. */
export async function useBestTfjsBackend(): Promise<string> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      return tf.getBackend();
    } catch {
      // not installed here
    }
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

export class TfjsTrainer {
  private steps: number;
  private constructor(
    readonly spec: ModelSpec,
    readonly options: TrainingStepOptions,
    private readonly optimizer: ResolvedOptimizer,
    private readonly params: WeightSet,
    private readonly state: WeightSet,
    step: number,
  ) {
    this.steps = step;
  }

  static async create(spec: ModelSpec, options: TrainingStepOptions, init: Omit<TrainerInit, 'device'> = {}): Promise<TfjsTrainer> {
    checkPatch(spec, options.patch);
    await useBestTfjsBackend();
    const optimizer = resolveOptimizer(options.optimizer);
    const params = cloneWeights(init.weights ?? initWeights(spec, init.seed ?? 0));
    checkWeights(spec, params);
    const state: WeightSet = new Map();
    for (const [name, dims] of paramShapes(spec)) {
      for (const slot of optimizerStateShapes(optimizer, dims)) {
        const key = `state.${name}.${slot.suffix}`;
        const given = init.state?.get(key);
        if (init.state && !given)
          throw new LobuleError('E_MODEL', `optimizer state lacks ${key}`, 'Resume with the state saved for this optimizer');
        state.set(key, {
          data: given
            ? given.data.slice()
            : new Float32Array(
                Math.max(
                  1,
                  slot.dims.reduce((a, b) => a * b, 1),
                ),
              ),
          dims: slot.dims,
        });
      }
    }
    return new TfjsTrainer(spec, options, optimizer, params, state, init.step ?? 0);
  }

  get stepCount(): number {
    return this.steps;
  }

  async step(image: Float32Array, label: Float32Array, lr: number): Promise<{ loss: number }> {
    const { batch, patch } = this.options;
    const img = tf.tensor(image, [batch, this.spec.inChannels, ...patch]);
    const lab = tf.tensor(label, [batch, this.spec.outClasses, ...patch]);
    const { loss, grads } = tfjsLossAndGrads(this.spec, this.params, img, lab, this.options.loss, this.options.diceOverBatch);
    tf.dispose([img, lab]);
    if (!Number.isFinite(loss))
      throw new LobuleError(
        'E_JOB_FAILED',
        `training step ${this.steps + 1} produced a non-finite loss`,
        'Lower the learning rate or check the data',
      );
    for (const [name, w] of this.params) {
      const slots = optimizerStateShapes(this.optimizer, w.dims).map((s) => this.state.get(`state.${name}.${s.suffix}`)!.data);
      applyUpdate(this.optimizer, w.data, grads.get(name)!, slots, lr, this.steps + 1);
    }
    this.steps++;
    return { loss };
  }

  weights(): WeightSet {
    return cloneWeights(this.params);
  }

  optimizerState(): WeightSet {
    return cloneWeights(this.state);
  }

  dispose(): void {
    // Parameters live in JS arrays; every step's tensors are already released.
  }
}
