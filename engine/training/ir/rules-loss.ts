/** Rules for the output head and the losses. Losses output a scalar (shape []); labels get no gradient. */
import { attr } from '../../onnx/graph.js';
import type { Rule } from './rules.js';
import { f32, numel, reduceMeanAll, reduceSum } from './emit.js';

export type LossCall =
  | { op: 'sigmoid' }
  | { op: 'softmax' }
  | { op: 'dice'; eps: number; overBatch?: boolean }
  | { op: 'bceLogits' }
  | { op: 'softmaxCE' };

export const sigmoid: Rule<Extract<LossCall, { op: 'sigmoid' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g }, ins) => ({ out: g.op('Sigmoid', ins) }),
  // Written with the output p: dp/dx = p (1 - p).
  vjp: ({ g }, { out, dy }) => [g.op('Mul', [dy, g.op('Mul', [out.name, g.op('Sub', [f32(g, 1), out.name])])])],
};

export const softmax: Rule<Extract<LossCall, { op: 'softmax' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g }, ins) => ({ out: g.op('Softmax', ins, { axis: attr.int(1) }) }),
  vjp: ({ g }, { out, dy }) => [g.op('Mul', [out.name, g.op('Sub', [dy, reduceSum(g, g.op('Mul', [dy, out.name]), [1], true)])])],
};

/**
 * Soft Dice as MONAI's DiceLoss: per sample and class (batch=False) or per class over the whole batch
 * (overBatch, MONAI batch=True, which gives patches without foreground a useful gradient) d = (2I + eps) /
 * (Sp + Sy + eps); loss = 1 - mean(d). dL/dp = (num / den^2 - 2y / den) / (number of d terms).
 */
export const dice: Rule<Extract<LossCall, { op: 'dice' }>> = {
  shape: () => [],
  forward: ({ g }, [p, y], c) => {
    const axes = c.overBatch ? [0, 2, 3, 4] : [2, 3, 4];
    const sum = (t: string): string => reduceSum(g, t, axes, true);
    const num = g.op('Add', [g.op('Mul', [sum(g.op('Mul', [p, y])), f32(g, 2)]), f32(g, c.eps)]);
    const den = g.op('Add', [g.op('Add', [sum(p), sum(y)]), f32(g, c.eps)]);
    const out = g.op('Sub', [f32(g, 1), reduceMeanAll(g, g.op('Div', [num, den]))]);
    return { out, saved: [num, den] };
  },
  vjp: ({ g }, { ins: [p, y], dy, saved: [num, den], call: c }) => {
    const terms = (c.overBatch ? 1 : p.shape[0]) * p.shape[1];
    const coef = g.op('Mul', [dy, f32(g, 1 / terms)]);
    const a = g.op('Div', [num, g.op('Mul', [den, den])]);
    const b = g.op('Div', [g.op('Mul', [y.name, f32(g, 2)]), den]);
    return [g.op('Mul', [g.op('Sub', [a, b]), coef]), undefined];
  },
};

/** Mean binary cross-entropy on logits, in the stable form max(x,0) - x*y + log(1 + exp(-|x|)). */
export const bceLogits: Rule<Extract<LossCall, { op: 'bceLogits' }>> = {
  shape: () => [],
  forward: ({ g }, [x, y]) => {
    const soft = g.op('Log', [g.op('Add', [f32(g, 1), g.op('Exp', [g.op('Neg', [g.op('Abs', [x])])])])]);
    return { out: reduceMeanAll(g, g.op('Add', [g.op('Sub', [g.op('Relu', [x]), g.op('Mul', [x, y])]), soft])) };
  },
  vjp: ({ g }, { ins: [x, y], dy }) => [
    g.op('Mul', [g.op('Sub', [g.op('Sigmoid', [x.name]), y.name]), g.op('Mul', [dy, f32(g, 1 / numel(x.shape))])]),
    undefined,
  ],
};

/** Cross-entropy of softmax(x) against y (one-hot, or soft), averaged over samples and voxels (PyTorch CrossEntropyLoss). */
export const softmaxCE: Rule<Extract<LossCall, { op: 'softmaxCE' }>> = {
  shape: () => [],
  forward: ({ g }, [x, y]) => {
    const ls = g.op('LogSoftmax', [x], { axis: attr.int(1) });
    return { out: g.op('Neg', [reduceMeanAll(g, reduceSum(g, g.op('Mul', [y, ls]), [1], false))]) };
  },
  vjp: ({ g }, { ins: [x, y], dy }) => {
    const m = numel(x.shape) / x.shape[1];
    // d/dx of -sum_c y_c log softmax(x)_c is p * sum_c y_c - y: (p - y) for one-hot labels, exact for soft ones.
    const p = g.op('Softmax', [x.name], { axis: attr.int(1) });
    const py = g.op('Mul', [p, reduceSum(g, y.name, [1], true)]);
    return [g.op('Mul', [g.op('Sub', [py, y.name]), g.op('Mul', [dy, f32(g, 1 / m)])]), undefined];
  },
};
