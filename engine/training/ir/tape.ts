/**
 * The training compiler's graph IR: a tape of primitive ops over ONNX tensor names. `apply` emits an op's forward
 * ONNX nodes and records it; `backward` walks the tape in reverse and emits each op's VJP nodes into the same
 * graph, summing gradient contributions per tensor. The rule table (rules.ts) holds the per-op maths.
 *
 * Hand-written because no JavaScript library differentiates ONNX graphs (ORT's training build is Python/C++ only
 * and onnxruntime-node ships the inference build); see /work/shared/notes/ort-training.md.
 */
import { OnnxGraph } from '../../onnx/graph.js';
import { RULES, type OpCall, type EmitCtx } from './rules.js';

/** A tensor in the IR: its ONNX name, its static shape, and whether a gradient must flow to it. */
export interface Val {
  readonly name: string;
  readonly shape: readonly number[];
  readonly requiresGrad: boolean;
}

export interface TapeRecord {
  readonly call: OpCall;
  readonly ins: readonly Val[];
  readonly out: Val;
  readonly saved: readonly string[];
}

export class Tape {
  readonly records: TapeRecord[] = [];
  readonly ctx: EmitCtx;

  /** `training`: forward emitters also produce what the VJPs need (pool indices, dropout masks). */
  constructor(
    readonly g: OnnxGraph,
    training: boolean,
  ) {
    this.ctx = { g, training };
  }

  leaf(name: string, shape: readonly number[], requiresGrad: boolean): Val {
    return { name, shape: [...shape], requiresGrad };
  }

  apply(call: OpCall, ins: readonly Val[]): Val {
    const rule = RULES[call.op];
    const shape = rule.shape(
      ins.map((v) => v.shape),
      call as never,
    );
    const { out, saved } = rule.forward(
      this.ctx,
      ins.map((v) => v.name),
      call as never,
      ins.map((v) => v.shape),
    );
    const val: Val = { name: out, shape, requiresGrad: ins.some((v) => v.requiresGrad) };
    this.records.push({ call, ins: [...ins], out: val, saved: saved ?? [] });
    return val;
  }

  /**
   * Emits d(root)/d(v) for every v in `wrt`; returns their gradient tensor names in the same order. `seed` is the
   * incoming gradient of `root` (default 1 for a scalar loss). A tensor root does not depend on gets a zero gradient.
   */
  backward(root: Val, wrt: readonly Val[], seed?: string): string[] {
    const g = this.g;
    const parts = new Map<string, string[]>();
    parts.set(root.name, [seed ?? g.constant(new Float32Array([1]), [], 'one')]);
    const total = (name: string): string | undefined => {
      const p = parts.get(name);
      if (!p || p.length === 0) return undefined;
      const sum = p.length === 1 ? p[0] : g.op('Sum', p);
      parts.set(name, [sum]);
      return sum;
    };
    for (let r = this.records.length - 1; r >= 0; r--) {
      const rec = this.records[r];
      if (!rec.out.requiresGrad) continue;
      const dy = total(rec.out.name);
      if (dy === undefined) continue;
      const needs = rec.ins.map((v) => v.requiresGrad);
      const rule = RULES[rec.call.op];
      const grads = rule.vjp(this.ctx, { ins: rec.ins, out: rec.out, saved: rec.saved, dy, call: rec.call as never, needs });
      if (grads.length !== rec.ins.length)
        throw new Error(`VJP of ${rec.call.op} returned ${grads.length} gradients for ${rec.ins.length} inputs`);
      rec.ins.forEach((v, i) => {
        const gi = grads[i];
        if (!needs[i] || gi === undefined) return;
        const list = parts.get(v.name) ?? [];
        list.push(gi);
        parts.set(v.name, list);
      });
    }
    return wrt.map((v) => total(v.name) ?? g.op('Mul', [v.name, g.constant(new Float32Array([0]), [], 'zero')]));
  }
}
