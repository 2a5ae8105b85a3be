/**
 * Optimizers as ONNX nodes inside the training-step graph, with PyTorch/MONAI semantics. The learning rate and
 * the number of completed steps are graph inputs, so schedules and resumption need no recompilation.
 */
import { z } from 'zod';
import { attr, type OnnxGraph } from '../onnx/graph.js';
import { f32 } from './ir/emit.js';

const betas = (b1: number, b2: number) => z.tuple([z.number().min(0).max(0.9999999), z.number().min(0).max(0.9999999)]).default([b1, b2]);

export const OptimizerConfigSchema = z.discriminatedUnion('kind', [
  /** MONAI Novograd: per-tensor second moment of the squared grad norm; grad_averaging off; amsgrad not supported. */
  z
    .object({
      kind: z.literal('novograd'),
      betas: betas(0.9, 0.98),
      eps: z.number().min(0).default(1e-8),
      weightDecay: z.number().min(0).default(0),
      gradAveraging: z.boolean().default(false),
    })
    .strict(),
  /** torch.optim.Adam (weight decay as L2 added to the gradient) and AdamW (decoupled decay). */
  z
    .object({
      kind: z.enum(['adam', 'adamw']),
      betas: betas(0.9, 0.999),
      eps: z.number().min(0).default(1e-8),
      weightDecay: z.number().min(0).default(0),
    })
    .strict(),
  /** torch.optim.SGD without dampening. */
  z
    .object({
      kind: z.literal('sgd'),
      momentum: z.number().min(0).max(1).default(0),
      nesterov: z.boolean().default(false),
      weightDecay: z.number().min(0).default(0),
    })
    .strict(),
]);

/** What callers write (defaults may be left out). */
export type OptimizerConfig = z.input<typeof OptimizerConfigSchema>;
export type ResolvedOptimizer = z.output<typeof OptimizerConfigSchema>;

export function resolveOptimizer(cfg: OptimizerConfig): ResolvedOptimizer {
  return OptimizerConfigSchema.parse(cfg);
}

/** Names (suffixes) and dims of the state an optimizer keeps for one parameter of dims `dims`. */
export function optimizerStateShapes(cfg: ResolvedOptimizer, dims: readonly number[]): { suffix: string; dims: number[] }[] {
  switch (cfg.kind) {
    case 'novograd':
      return [
        { suffix: 'exp_avg', dims: [...dims] },
        { suffix: 'exp_avg_sq', dims: [] },
      ];
    case 'adam':
    case 'adamw':
      return [
        { suffix: 'exp_avg', dims: [...dims] },
        { suffix: 'exp_avg_sq', dims: [...dims] },
      ];
    case 'sgd':
      return cfg.momentum > 0 ? [{ suffix: 'momentum_buffer', dims: [...dims] }] : [];
  }
}

export interface UpdateArgs {
  readonly w: string;
  readonly grad: string;
  readonly state: readonly string[];
  /** Scalar tensors: learning rate and t = completed steps + 1. */
  readonly lr: string;
  readonly t: string;
}

const mul = (g: OnnxGraph, a: string, b: string) => g.op('Mul', [a, b]);
const add = (g: OnnxGraph, a: string, b: string) => g.op('Add', [a, b]);
const axpby = (g: OnnxGraph, a: number, x: string, b: number, y: string) => add(g, mul(g, x, f32(g, a)), mul(g, y, f32(g, b)));

/** Emits one parameter's update; returns the new weight and new state tensors (state in optimizerStateShapes order). */
export function emitUpdate(g: OnnxGraph, cfg: ResolvedOptimizer, a: UpdateArgs): { w: string; state: string[] } {
  const step = (dir: string) => g.op('Sub', [a.w, mul(g, a.lr, dir)]);
  switch (cfg.kind) {
    case 'novograd': {
      const [b1, b2] = cfg.betas;
      const [m, v] = a.state;
      const norm = g.op('ReduceSum', [mul(g, a.grad, a.grad)], { keepdims: attr.int(0) });
      // MONAI seeds the second moment with the first norm instead of decaying from zero.
      const v2 = g.op('Where', [g.op('Equal', [v, f32(g, 0)]), norm, axpby(g, b2, v, 1 - b2, norm)]);
      let gn = g.op('Div', [a.grad, add(g, g.op('Sqrt', [v2]), f32(g, cfg.eps))]);
      if (cfg.weightDecay !== 0) gn = add(g, gn, mul(g, a.w, f32(g, cfg.weightDecay)));
      if (cfg.gradAveraging) gn = mul(g, gn, f32(g, 1 - b1));
      const m2 = add(g, mul(g, m, f32(g, b1)), gn);
      return { w: step(m2), state: [m2, v2] };
    }
    case 'adam':
    case 'adamw': {
      const [b1, b2] = cfg.betas;
      const [m, v] = a.state;
      let grad = a.grad;
      let w = a.w;
      if (cfg.kind === 'adam' && cfg.weightDecay !== 0) grad = add(g, grad, mul(g, w, f32(g, cfg.weightDecay)));
      if (cfg.kind === 'adamw' && cfg.weightDecay !== 0) w = mul(g, w, g.op('Sub', [f32(g, 1), mul(g, a.lr, f32(g, cfg.weightDecay))]));
      const m2 = axpby(g, b1, m, 1 - b1, grad);
      const v2 = axpby(g, b2, v, 1 - b2, mul(g, grad, grad));
      const bc1 = g.op('Sub', [f32(g, 1), g.op('Pow', [f32(g, b1), a.t])]);
      const bc2 = g.op('Sub', [f32(g, 1), g.op('Pow', [f32(g, b2), a.t])]);
      const denom = add(g, g.op('Div', [g.op('Sqrt', [v2]), g.op('Sqrt', [bc2])]), f32(g, cfg.eps));
      const dir = g.op('Div', [g.op('Div', [m2, denom]), bc1]);
      return { w: g.op('Sub', [w, mul(g, a.lr, dir)]), state: [m2, v2] };
    }
    case 'sgd': {
      let grad = a.grad;
      if (cfg.weightDecay !== 0) grad = add(g, grad, mul(g, a.w, f32(g, cfg.weightDecay)));
      if (cfg.momentum === 0) return { w: step(grad), state: [] };
      // A zero-initialised buffer gives PyTorch's "buf = grad" on the first step.
      const buf = add(g, mul(g, a.state[0], f32(g, cfg.momentum)), grad);
      const dir = cfg.nesterov ? add(g, grad, mul(g, buf, f32(g, cfg.momentum))) : buf;
      return { w: step(dir), state: [buf] };
    }
  }
}
