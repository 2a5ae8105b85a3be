/**
 * Compiles one training step — forward, loss, backward, optimizer update — into a single ONNX graph that
 * onnxruntime-node runs with one `session.run`.
 *
 * Graph inputs: 'image' [B, inChannels, nz, ny, nx], 'label' [B, outClasses, nz, ny, nx] (0/1 per class), 'lr' and
 * 'step' (float scalars; step = steps completed so far), then every weight (its parameter name), then every
 * optimizer state tensor ('state.<param>.<slot>'). Outputs: 'loss' (scalar), 'new.<param>' per weight, then
 * 'new.state.<param>.<slot>'; optionally 'grad.<param>' (exposeGradients, for tests).
 */
import { OnnxGraph } from '../onnx/graph.js';
import { LobuleError } from '../errors.js';
import { Tape, type Val } from './ir/tape.js';
import { f32 } from './ir/emit.js';
import { emitUNet } from './onnx-unet.js';
import { emitUpdate, optimizerStateShapes, resolveOptimizer, type OptimizerConfig, type ResolvedOptimizer } from './optimizers.js';
import { checkPatch, type ModelSpec } from './spec.js';

export type LossKind = 'dice' | 'dice_ce';

export interface TrainingStepOptions {
  loss: LossKind;
  optimizer: OptimizerConfig;
  /** [nz, ny, nx] */
  patch: [number, number, number];
  batch: number;
  /**
   * Dice over the whole batch per class (MONAI DiceLoss batch=True) instead of per sample (the default, as the
   * study): per-sample Dice gives patches without foreground almost no gradient.
   */
  diceOverBatch?: boolean;
  /** Also output each parameter's gradient as 'grad.<param>' (oracle tests). */
  exposeGradients?: boolean;
  /** Seed of the in-graph dropout masks (only used when spec.dropout > 0). */
  dropoutSeed?: number;
}

export interface TrainingStepProgram {
  readonly onnx: Uint8Array;
  readonly spec: ModelSpec;
  readonly optimizer: ResolvedOptimizer;
  readonly imageDims: number[];
  readonly labelDims: number[];
  /** Parameter names in input order; weight i is fed as weightInputs[i] and returned as weightOutputs[i]. */
  readonly weightNames: string[];
  readonly weightDims: number[][];
  readonly weightInputs: string[];
  readonly weightOutputs: string[];
  readonly stateInputs: string[];
  readonly stateOutputs: string[];
  readonly stateDims: number[][];
  readonly gradientOutputs: string[];
}

/** Soft Dice (MONAI's smooth 1e-5) on sigmoid or softmax probabilities, background channel excluded for softmax. */
export const DICE_EPS = 1e-5;

export function emitLoss(tape: Tape, spec: ModelSpec, logits: Val, label: Val, loss: LossKind, diceOverBatch = false): Val {
  const softmax = spec.outputActivation === 'softmax';
  const p = tape.apply({ op: softmax ? 'softmax' : 'sigmoid' }, [logits]);
  const fg = (v: Val): Val => (softmax ? tape.apply({ op: 'sliceChannels', start: 1 }, [v]) : v);
  const dice = tape.apply({ op: 'dice', eps: DICE_EPS, overBatch: diceOverBatch }, [fg(p), fg(label)]);
  if (loss === 'dice') return dice;
  const ce = tape.apply({ op: softmax ? 'softmaxCE' : 'bceLogits' }, [logits, label]);
  return tape.apply({ op: 'add' }, [dice, ce]);
}

/** Emits every parameter's update and declares the state inputs/outputs; returns their names in order. */
function emitOptimizerStep(
  g: OnnxGraph,
  optimizer: ResolvedOptimizer,
  params: readonly Val[],
  grads: readonly string[],
  lr: string,
  step: string,
) {
  const t = g.op('Add', [step, f32(g, 1)]);
  const out = { weightOutputs: [] as string[], stateInputs: [] as string[], stateOutputs: [] as string[], stateDims: [] as number[][] };
  params.forEach((p, i) => {
    const slots = optimizerStateShapes(optimizer, p.shape);
    const state = slots.map((s) => g.input(`state.${p.name}.${s.suffix}`, 'float32', s.dims));
    const upd = emitUpdate(g, optimizer, { w: p.name, grad: grads[i], state, lr, t });
    out.weightOutputs.push(g.output(g.op('Identity', [upd.w], {}, `new.${p.name}`), 'float32', p.shape));
    upd.state.forEach((s, j) => {
      out.stateInputs.push(state[j]);
      out.stateDims.push(slots[j].dims);
      out.stateOutputs.push(g.output(g.op('Identity', [s], {}, `new.${state[j]}`), 'float32', slots[j].dims));
    });
  });
  return out;
}

export function compileTrainingStep(spec: ModelSpec, opts: TrainingStepOptions): TrainingStepProgram {
  checkPatch(spec, opts.patch);
  if (!Number.isInteger(opts.batch) || opts.batch < 1) {
    throw new LobuleError('E_INVALID_ARGUMENT', `batch size ${opts.batch} is not a positive integer`, 'Use a batch of 1 or more patches');
  }
  const optimizer = resolveOptimizer(opts.optimizer);
  const g = new OnnxGraph('lobule_train_step');
  const tape = new Tape(g, true);
  const imageDims = [opts.batch, spec.inChannels, ...opts.patch];
  const labelDims = [opts.batch, spec.outClasses, ...opts.patch];
  const image = tape.leaf(g.input('image', 'float32', imageDims), imageDims, false);
  const label = tape.leaf(g.input('label', 'float32', labelDims), labelDims, false);
  const lr = g.input('lr', 'float32', []);
  const step = g.input('step', 'float32', []);
  const params: Val[] = [];
  const logits = emitUNet(
    tape,
    spec,
    image,
    (name, dims) => {
      const v = tape.leaf(g.input(name, 'float32', dims), dims, true);
      params.push(v);
      return v;
    },
    opts.dropoutSeed ?? 0,
  );
  const loss = emitLoss(tape, spec, logits, label, opts.loss, opts.diceOverBatch);
  g.op('Identity', [loss.name], {}, 'loss');
  g.output('loss', 'float32', []);
  const grads = tape.backward(loss, params);

  const upd = emitOptimizerStep(g, optimizer, params, grads, lr, step);
  const gradientOutputs = opts.exposeGradients
    ? params.map((p, i) => g.output(g.op('Identity', [grads[i]], {}, `grad.${p.name}`), 'float32', p.shape))
    : [];
  return {
    onnx: g.toBytes(17),
    spec,
    optimizer,
    imageDims,
    labelDims,
    weightNames: params.map((p) => p.name),
    weightDims: params.map((p) => [...p.shape]),
    weightInputs: params.map((p) => p.name),
    ...upd,
    gradientOutputs,
  };
}
