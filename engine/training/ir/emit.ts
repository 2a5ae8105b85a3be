/** Small ONNX emission helpers shared by the IR rules (opset 17: ReduceSum takes axes as an input, ReduceMean as an attribute). */
import { OnnxGraph, attr } from '../../onnx/graph.js';

export function i64(g: OnnxGraph, values: readonly number[]): string {
  return g.constant(BigInt64Array.from(values.map((v) => BigInt(v))), [values.length], 'i64');
}

export function f32(g: OnnxGraph, value: number): string {
  return g.constant(new Float32Array([value]), [], 'f32');
}

export function reduceSum(g: OnnxGraph, x: string, axes: readonly number[], keep: boolean): string {
  return g.op('ReduceSum', [x, i64(g, axes)], { keepdims: attr.int(keep ? 1 : 0) });
}

export function reduceMean(g: OnnxGraph, x: string, axes: readonly number[], keep: boolean): string {
  return g.op('ReduceMean', [x], { axes: attr.ints(axes), keepdims: attr.int(keep ? 1 : 0) });
}

/** Sum over everything: a scalar (shape []). */
export function reduceMeanAll(g: OnnxGraph, x: string): string {
  return g.op('ReduceMean', [x], { keepdims: attr.int(0) });
}

/** A per-channel vector [C] as [1, C, 1, 1, 1], for broadcasting against [N, C, Z, Y, X]. */
export function perChannel(g: OnnxGraph, v: string): string {
  return g.op('Unsqueeze', [v, i64(g, [0, 2, 3, 4])]);
}

/** Per-channel sum of a [N, C, Z, Y, X] tensor: [C] (bias, norm-affine gradients). */
export function channelSum(g: OnnxGraph, x: string): string {
  return reduceSum(g, x, [0, 2, 3, 4], false);
}

/** Slice of a 1-D shape tensor. */
export function shapeSlice(g: OnnxGraph, s: string, start: number, end: number): string {
  return g.op('Slice', [s, i64(g, [start]), i64(g, [end]), i64(g, [0])]);
}

export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
