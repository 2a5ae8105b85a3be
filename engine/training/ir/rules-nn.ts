/** Rules for the network layers: convolution, instance norm, activations, pooling, dropout, bias. */
import { attr, type OnnxGraph } from '../../onnx/graph.js';
import type { Val } from './tape.js';
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
      const flipped =
        c.k === 1
          ? w.name
          : g.op('Slice', [
              w.name,
              i64(g, [-1, -1, -1]),
              i64(g, [INT64_MIN, INT64_MIN, INT64_MIN]),
              i64(g, FLIP_AXES),
              i64(g, [-1, -1, -1]),
            ]);
      const wT = g.op('Transpose', [flipped], { perm: attr.ints(SWAP_NC) });
      const p = c.k - 1 - c.pad;
      dx = g.op('Conv', [dy, wT], { kernel_shape: kern, pads: attr.ints(new Array(6).fill(p)) });
    }
    const dw = needs[1] ? weightGradByTaps(g, x, dy, out.shape, co, ci, c.k, c.pad) : undefined;
    const grads: (string | undefined)[] = [dx, dw];
    if (needs.length > 2) grads.push(needs[2] ? channelSum(g, dy) : undefined);
    return grads;
  },
};

/**
 * dW[:, :, a, b, c] = dY (as [Co, N*S]) times the (a, b, c)-shifted input (as [Ci, N*S]) transposed: one Gemm per
 * kernel tap, K = N*S. Measured here 1.3-1.7x less CPU than the role-swapped Conv, whose "kernel" is the whole
 * volume and whose output is only k^3 voxels (MLAS handles that shape poorly).
 */
function weightGradByTaps(
  g: OnnxGraph,
  x: Val,
  dy: string,
  outShape: readonly number[],
  co: number,
  ci: number,
  k: number,
  pad: number,
): string {
  const [n] = x.shape;
  const os = outShape.slice(2);
  const s = n * os[0] * os[1] * os[2];
  const xT = g.op('Transpose', [x.name], { perm: attr.ints(SWAP_NC) });
  const xp = pad === 0 ? xT : g.op('Pad', [xT, i64(g, [0, 0, pad, pad, pad, 0, 0, pad, pad, pad])]);
  const dy2 = g.op('Reshape', [g.op('Transpose', [dy], { perm: attr.ints(SWAP_NC) }), i64(g, [co, s])]);
  const taps: string[] = [];
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++)
      for (let c = 0; c < k; c++) {
        const xs = k === 1 ? xp : g.op('Slice', [xp, i64(g, [a, b, c]), i64(g, [a + os[0], b + os[1], c + os[2]]), i64(g, FLIP_AXES)]);
        const m = g.op('Gemm', [dy2, g.op('Reshape', [xs, i64(g, [ci, s])])], { transB: attr.int(1) });
        taps.push(g.op('Unsqueeze', [m, i64(g, [2])]));
      }
  return g.op('Reshape', [g.op('Concat', taps, { axis: attr.int(2) }), i64(g, [co, ci, k, k, k])]);
}

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
  vjp: ({ g }, { ins: [x], dy, call: c }) => [
    g.op('Where', [g.op('Greater', [x.name, f32(g, 0)]), dy, g.op('Mul', [dy, f32(g, c.alpha)])]),
  ],
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
