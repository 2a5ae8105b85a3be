/**
 * The rule table: every IR primitive as a shape function, a forward emitter and a VJP emitter (ONNX nodes).
 * A VJP returns one gradient name per input, `undefined` for inputs that take none (labels, indices).
 */
import type { OnnxGraph } from '../../onnx/graph.js';
import type { Val } from './tape.js';
import { conv, instnorm, relu, leakyrelu, maxpool2, dropout, biasAdd, type NnCall } from './rules-nn.js';
import { add, concat, unshuffle2, shuffle2, upsample2, reshape, transpose, sliceChannels, type ShapeCall } from './rules-shape.js';
import { sigmoid, softmax, dice, bceLogits, softmaxCE, type LossCall } from './rules-loss.js';

export type OpCall = NnCall | ShapeCall | LossCall;
export type OpName = OpCall['op'];

export interface EmitCtx {
  readonly g: OnnxGraph;
  readonly training: boolean;
}

export interface VjpArgs<C> {
  readonly ins: readonly Val[];
  readonly out: Val;
  /** Extra forward tensors the forward emitter kept for the VJP (pool indices, loss terms). */
  readonly saved: readonly string[];
  readonly dy: string;
  readonly call: C;
  readonly needs: readonly boolean[];
}

export interface Rule<C> {
  shape(ins: readonly (readonly number[])[], call: C): number[];
  forward(ctx: EmitCtx, ins: readonly string[], call: C, shapes: readonly (readonly number[])[]): { out: string; saved?: string[] };
  vjp(ctx: EmitCtx, args: VjpArgs<C>): (string | undefined)[];
}

export const RULES: { [K in OpName]: Rule<Extract<OpCall, { op: K }>> } = {
  conv,
  instnorm,
  relu,
  leakyrelu,
  maxpool2,
  dropout,
  biasAdd,
  add,
  concat,
  unshuffle2,
  shuffle2,
  upsample2,
  reshape,
  transpose,
  sliceChannels,
  sigmoid,
  softmax,
  dice,
  bceLogits,
  softmaxCE,
};
