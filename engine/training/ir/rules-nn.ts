/** Rules for the network layers: convolution, instance norm, activations, pooling, dropout, bias. */
import { attr } from '../../onnx/graph.js';
import type { Rule } from './rules.js';
import { channelSum, f32, i64, perChannel, reduceMean, reduceSum } from './emit.js';

export type NnCall =
  | { op: 'conv'; k: number; pad: number }
  | { op: 'instnorm'; eps: number }
  | { op: 'relu' }
  | { op: 'leakyrelu'; alpha: number }
  | { op: 'maxpool2' }
  | { op: 'dropout'; p: number; seed: number }
  | { op: 'biasAdd' };

const FLIP_AXES = [2, 3, 4];
const SWAP_NC = [1, 0, 2, 3, 4];
const INT64_MIN = -(2 ** 63);

/** Stride-1 conv. Inputs x [N,Ci,D,H,W], w [Co,Ci,k,k,k], optional bias [Co]. */
export const conv: Rule<Extract<NnCall, { op: 'conv' }>> = {
  shape: ([x, w], c) => [x[0], w[0], ...x.slice(2).map((d) => d + 2 * c.pad - c.k + 1)],
  forward: ({ g }, ins, c) => ({
    out: g.op('Conv', ins, { kernel_shape: attr.ints([c.k, c.k, c.k]), pads: attr.ints(new Array(6).fill(c.pad)) }),
  }),
  vjp: ({ g }, { ins: [x, w], out, dy, call: c, needs }) => {
    const [co, ci] = w.shape;
    const kern = attr.ints([c.k, c.k, c.k]);
    // Input gradient as a forward Conv with the flipped, in/out-swapped kernel: ORT runs it at forward speed,
    // where ConvTranspose measured ~10x slower.
    let dx: string | undefined;
    if (needs[0]) {
      const flipped = c.k === 1 ? w.name : g.op('Slice', [w.name, i64(g, [-1, -1, -1]), i64(g, [INT64_MIN, INT64_MIN, INT64_MIN]), i64(g, FLIP_AXES), i64(g, [-1, -1, -1])]);
      const wT = g.op('Transpose', [flipped], { perm: attr.ints(SWAP_NC) });
      const p = c.k - 1 - c.pad;
      dx = g.op('Conv', [dy, wT], { kernel_shape: kern, pads: attr.ints(new Array(6).fill(p)) });
    }
    let dw: string | undefined;
    if (needs[1] && c.k === 1) {
      // 1x1 kernels: a batched matmul over voxels, not a Conv whose "kernel" is the whole volume.
      const [n] = x.shape;
      const s = x.shape.slice(2).reduce((a, b) => a * b, 1);
      const x3 = g.op('Reshape', [x.name, i64(g, [n, ci, s])]);
      const dy3 = g.op('Reshape', [dy, i64(g, [n, co, s])]);
      const m = g.op('MatMul', [dy3, g.op('Transpose', [x3], { perm: attr.ints([0, 2, 1]) })]);
      dw = g.op('Reshape', [reduceSum(g, m, [0], false), i64(g, [co, ci, 1, 1, 1])]);
    } else if (needs[1]) {
      // Weight gradient as a Conv with batch and channel roles swapped (channels become the batch).
      const xT = g.op('Transpose', [x.name], { perm: attr.ints(SWAP_NC) });
      const dyT = g.op('Transpose', [dy], { perm: attr.ints(SWAP_NC) });
      const r = g.op('Conv', [xT, dyT], { kernel_shape: attr.ints(out.shape.slice(2)), pads: attr.ints(new Array(6).fill(c.pad)) });
      dw = g.op('Transpose', [r], { perm: attr.ints(SWAP_NC) });
    }
    const grads: (string | undefined)[] = [dx, dw];
    if (needs.length > 2) grads.push(needs[2] ? channelSum(g, dy) : undefined);
    return grads;
  },
};

/** Instance norm with affine. The VJP recomputes the statistics rather than keeping them alive from the forward. */
export const instnorm: Rule<Extract<NnCall, { op: 'instnorm' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g }, ins, c) => ({ out: g.op('InstanceNormalization', ins, { epsilon: attr.float(c.eps) }) }),
  vjp: ({ g }, { ins: [x, gamma], dy, call: c, needs }) => {
    const voxels = x.shape.slice(2).reduce((a, b) => a * b, 1);
    const mu = reduceMean(g, x.name, [2, 3, 4], true);
    const d = g.op('Sub', [x.name, mu]);
    const invStd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [reduceMean(g, g.op('Mul', [d, d]), [2, 3, 4], true), f32(g, c.eps)])])]);
    const xhat = g.op('Mul', [d, invStd]);
    const t = reduceSum(g, g.op('Mul', [dy, xhat]), [2, 3, 4], true); // [N,C,1,1,1]
    const dGamma = channelSum(g, t);
    const dBeta = channelSum(g, dy);
    if (!needs[0]) return [undefined, dGamma, dBeta];
    // dx = invStd * (gy - mean(gy) - xhat * mean(gy * xhat)), gy = dy * gamma, per (n, c) over voxels.
    const g5 = perChannel(g, gamma.name);
    const gy = g.op('Mul', [dy, g5]);
    const m1 = reduceMean(g, gy, [2, 3, 4], true);
    const m2 = g.op('Mul', [t, g.op('Mul', [g5, f32(g, 1 / voxels)])]);
    const dx = g.op('Mul', [g.op('Sub', [g.op('Sub', [gy, m1]), g.op('Mul', [xhat, m2])]), invStd]);
    return [dx, dGamma, dBeta];
  },
};

export const relu: Rule<Extract<NnCall, { op: 'relu' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g }, ins) => ({ out: g.op('Relu', ins) }),
  // relu(x) > 0 exactly where x > 0, so the output is the mask; the gradient at x = 0 is taken as 0 (as PyTorch).
  vjp: ({ g }, { out, dy }) => [g.op('Mul', [dy, g.op('Cast', [g.op('Greater', [out.name, f32(g, 0)])], { to: attr.int(1) })])],
};

export const leakyrelu: Rule<Extract<NnCall, { op: 'leakyrelu' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g }, ins, c) => ({ out: g.op('LeakyRelu', ins, { alpha: attr.float(c.alpha) }) }),
  vjp: ({ g }, { ins: [x], dy, call: c }) => [g.op('Where', [g.op('Greater', [x.name, f32(g, 0)]), dy, g.op('Mul', [dy, f32(g, c.alpha)])])],
};

/** 2x2x2 max-pool, stride 2. Training keeps the argmax indices; the VJP scatters dy back with MaxUnpool. */
export const maxpool2: Rule<Extract<NnCall, { op: 'maxpool2' }>> = {
  shape: ([x]) => [x[0], x[1], ...x.slice(2).map((d) => d / 2)],
  forward: ({ g, training }, ins) => {
    const a = { kernel_shape: attr.ints([2, 2, 2]), strides: attr.ints([2, 2, 2]) };
    if (!training) return { out: g.op('MaxPool', ins, a) };
    const [out, idx] = g.node('MaxPool', ins, 2, a);
    return { out, saved: [idx] };
  },
  vjp: ({ g }, { ins: [x], dy, saved: [idx] }) => [
    g.op('MaxUnpool', [dy, idx, i64(g, x.shape)], { kernel_shape: attr.ints([2, 2, 2]), strides: attr.ints([2, 2, 2]) }),
  ],
};

/** Inverted dropout; identity at inference. Training uses ORT's seeded Dropout and keeps its mask. */
export const dropout: Rule<Extract<NnCall, { op: 'dropout' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g, training }, [x], c) => {
    if (!training || c.p === 0) return { out: g.op('Identity', [x]) };
    const ratio = f32(g, c.p);
    const on = g.constant(new Uint8Array([1]), [], 'true');
    const [out, mask] = g.node('Dropout', [x, ratio, g.op('Cast', [on], { to: attr.int(9) })], 2, { seed: attr.int(c.seed) });
    return { out, saved: [mask] };
  },
  vjp: ({ g, training }, { dy, saved, call: c }) => {
    if (!training || c.p === 0 || saved.length === 0) return [dy];
    return [g.op('Mul', [g.op('Mul', [dy, g.op('Cast', [saved[0]], { to: attr.int(1) })]), f32(g, 1 / (1 - c.p))])];
  },
};

/** x + b per channel (the bias of a transposed conv that is emitted as conv + shuffle). */
export const biasAdd: Rule<Extract<NnCall, { op: 'biasAdd' }>> = {
  shape: ([x]) => [...x],
  forward: ({ g }, [x, b]) => ({ out: g.op('Add', [x, perChannel(g, b)]) }),
  vjp: ({ g }, { dy, needs }) => [dy, needs[1] ? channelSum(g, dy) : undefined],
};
