/**
 * Rules that move or combine values: add, concat, 2x space-to-depth and back (strided and transposed convs are
 * emitted as these plus 1x1 convs, which ORT runs far faster than ConvTranspose), nearest upsampling, reshapes.
 * Forward emitters never bake spatial sizes, so the inference graph keeps dynamic N and Z/Y/X.
 */
import { attr, type OnnxGraph } from '../../onnx/graph.js';
import type { Rule } from './rules.js';
import { f32, i64, invertPerm, shapeSlice } from './emit.js';

export type ShapeCall =
  | { op: 'add' }
  | { op: 'concat' }
  | { op: 'unshuffle2' }
  | { op: 'shuffle2' }
  | { op: 'upsample2' }
  | { op: 'reshape'; shape: readonly number[] }
  | { op: 'transpose'; perm: readonly number[] }
  | { op: 'sliceChannels'; start: number };

/** [N, C, Z, Y, X] -> [N, 8C, Z/2, Y/2, X/2]; channel c*8 + (dz*4 + dy*2 + dx) holds voxel (2z+dz, 2y+dy, 2x+dx). */
function emitUnshuffle(g: OnnxGraph, x: string, c: number): string {
  const s = g.op('Shape', [x]);
  const half = g.op('Div', [shapeSlice(g, s, 2, 5), i64(g, [2, 2, 2])]);
  const two = i64(g, [2]);
  const split = g.op(
    'Concat',
    [shapeSlice(g, s, 0, 2), shapeSlice(g, half, 0, 1), two, shapeSlice(g, half, 1, 2), two, shapeSlice(g, half, 2, 3), two],
    { axis: attr.int(0) },
  );
  const t = g.op('Transpose', [g.op('Reshape', [x, split])], { perm: attr.ints([0, 1, 3, 5, 7, 2, 4, 6]) });
  return g.op('Reshape', [t, g.op('Concat', [shapeSlice(g, s, 0, 1), i64(g, [c * 8]), half], { axis: attr.int(0) })]);
}

/** The inverse of emitUnshuffle: [N, 8C, Z, Y, X] -> [N, C, 2Z, 2Y, 2X]. */
function emitShuffle(g: OnnxGraph, x: string, c8: number): string {
  const s = g.op('Shape', [x]);
  const c = c8 / 8;
  const split = g.op('Concat', [shapeSlice(g, s, 0, 1), i64(g, [c, 2, 2, 2]), shapeSlice(g, s, 2, 5)], { axis: attr.int(0) });
  const t = g.op('Transpose', [g.op('Reshape', [x, split])], { perm: attr.ints([0, 1, 5, 2, 6, 3, 7, 4]) });
  const twice = g.op('Mul', [shapeSlice(g, s, 2, 5), i64(g, [2, 2, 2])]);
  return g.op('Reshape', [t, g.op('Concat', [shapeSlice(g, s, 0, 1), i64(g, [c]), twice], { axis: attr.int(0) })]);
}

export const add: Rule<Extract<ShapeCall, { op: 'add' }>> = {
  shape: ([a]) => [...a],
  forward: ({ g }, ins) => ({ out: g.op('Add', ins) }),
  vjp: (_ctx, { dy }) => [dy, dy],
};

export const concat: Rule<Extract<ShapeCall, { op: 'concat' }>> = {
  shape: ([a, b]) => [a[0], a[1] + b[1], ...a.slice(2)],
  forward: ({ g }, ins) => ({ out: g.op('Concat', ins, { axis: attr.int(1) }) }),
  vjp: ({ g }, { ins: [a, b], dy }) => g.node('Split', [dy, i64(g, [a.shape[1], b.shape[1]])], 2, { axis: attr.int(1) }),
};

export const unshuffle2: Rule<Extract<ShapeCall, { op: 'unshuffle2' }>> = {
  shape: ([x]) => [x[0], x[1] * 8, ...x.slice(2).map((d) => d / 2)],
  forward: ({ g }, [x], _c, [xs]) => ({ out: emitUnshuffle(g, x, xs[1]) }),
  vjp: ({ g }, { out, dy }) => [emitShuffle(g, dy, out.shape[1])],
};

export const shuffle2: Rule<Extract<ShapeCall, { op: 'shuffle2' }>> = {
  shape: ([x]) => [x[0], x[1] / 8, ...x.slice(2).map((d) => d * 2)],
  forward: ({ g }, [x], _c, [xs]) => ({ out: emitShuffle(g, x, xs[1]) }),
  vjp: ({ g }, { out, dy }) => [emitUnshuffle(g, dy, out.shape[1])],
};

/** Nearest-neighbour x2; its VJP sums each 2x2x2 block (average-pool x 8). */
export const upsample2: Rule<Extract<ShapeCall, { op: 'upsample2' }>> = {
  shape: ([x]) => [x[0], x[1], ...x.slice(2).map((d) => d * 2)],
  forward: ({ g }, [x]) => ({
    out: g.op('Resize', [x, '', g.constant(new Float32Array([1, 1, 2, 2, 2]), [5], 'scales')], {
      mode: attr.string('nearest'),
      coordinate_transformation_mode: attr.string('asymmetric'),
      nearest_mode: attr.string('floor'),
    }),
  }),
  vjp: ({ g }, { dy }) => [
    g.op('Mul', [g.op('AveragePool', [dy], { kernel_shape: attr.ints([2, 2, 2]), strides: attr.ints([2, 2, 2]) }), f32(g, 8)]),
  ],
};

/** Static reshape: used on weights (whose shapes are fixed), never on activations. */
export const reshape: Rule<Extract<ShapeCall, { op: 'reshape' }>> = {
  shape: (_s, c) => [...c.shape],
  forward: ({ g }, [x], c) => ({ out: g.op('Reshape', [x, i64(g, c.shape)]) }),
  vjp: ({ g }, { ins: [x], dy }) => [g.op('Reshape', [dy, i64(g, x.shape)])],
};

export const transpose: Rule<Extract<ShapeCall, { op: 'transpose' }>> = {
  shape: ([x], c) => c.perm.map((p) => x[p]),
  forward: ({ g }, [x], c) => ({ out: g.op('Transpose', [x], { perm: attr.ints(c.perm) }) }),
  vjp: ({ g }, { dy, call: c }) => [g.op('Transpose', [dy], { perm: attr.ints(invertPerm(c.perm)) })],
};

/** Channels [start, C) of x; the VJP zero-pads the excluded channels back. */
export const sliceChannels: Rule<Extract<ShapeCall, { op: 'sliceChannels' }>> = {
  shape: ([x], c) => [x[0], x[1] - c.start, ...x.slice(2)],
  forward: ({ g }, [x], c) => ({ out: g.op('Slice', [x, i64(g, [c.start]), i64(g, [2 ** 31]), i64(g, [1])]) }),
  vjp: ({ g }, { dy, call: c }) => [g.op('Pad', [dy, i64(g, [0, c.start, 0, 0, 0, 0, 0, 0, 0, 0])])],
};
