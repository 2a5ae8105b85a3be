/**
 * The optimizers of optimizers.ts applied in plain JS to Float32Arrays, for the TF.js backend (whose gradients
 * arrive as arrays). Same semantics and the same state slots, so state moves between backends too.
 */
import type { ResolvedOptimizer } from '../optimizers.js';

/** Updates `w` and `state` in place; `t` = completed steps + 1. */
export function applyUpdate(cfg: ResolvedOptimizer, w: Float32Array, g: Float32Array, state: Float32Array[], lr: number, t: number): void {
  switch (cfg.kind) {
    case 'novograd': {
      const [b1, b2] = cfg.betas;
      const [m, v] = state;
      let norm = 0;
      for (let i = 0; i < g.length; i++) norm += g[i] * g[i];
      v[0] = v[0] === 0 ? norm : b2 * v[0] + (1 - b2) * norm;
      const denom = Math.sqrt(v[0]) + cfg.eps;
      const avg = cfg.gradAveraging ? 1 - b1 : 1;
      for (let i = 0; i < w.length; i++) {
        m[i] = b1 * m[i] + avg * (g[i] / denom + cfg.weightDecay * w[i]);
        w[i] -= lr * m[i];
      }
      return;
    }
    case 'adam':
    case 'adamw': {
      const [b1, b2] = cfg.betas;
      const [m, v] = state;
      const bc1 = 1 - b1 ** t;
      const sbc2 = Math.sqrt(1 - b2 ** t);
      const decoupled = cfg.kind === 'adamw';
      for (let i = 0; i < w.length; i++) {
        if (decoupled) w[i] *= 1 - lr * cfg.weightDecay;
        const gi = decoupled ? g[i] : g[i] + cfg.weightDecay * w[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= (lr / bc1) * (m[i] / (Math.sqrt(v[i]) / sbc2 + cfg.eps));
      }
      return;
    }
    case 'sgd': {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + cfg.weightDecay * w[i];
        if (cfg.momentum === 0) {
          w[i] -= lr * gi;
          continue;
        }
        const buf = (state[0][i] = cfg.momentum * state[0][i] + gi);
        w[i] -= lr * (cfg.nesterov ? gi + cfg.momentum * buf : buf);
      }
      return;
    }
  }
}
