import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultModelSpec } from '../../engine/training/spec.js';
import { OrtTrainer } from '../../engine/training/trainer.js';
import type { OptimizerConfig } from '../../engine/training/optimizers.js';
import type { WeightSet } from '../../engine/training/weights.js';
import { perturbedWeights, relErr, smoothImage, smoothLabel } from './helpers.js';

const spec = { ...defaultModelSpec(), channels: [2, 4] };
const patch: [number, number, number] = [8, 8, 8];
const image = smoothImage([1, 1, ...patch], 3);
const label = smoothLabel(spec, [1, 1, ...patch], 5);

type Ref = (w: Float64Array, g: Float32Array, state: Float64Array[], t: number, lr: number) => Float64Array;

/** Runs two ORT steps and replays them in plain JS (float64) from ORT's own gradients. */
async function checkTwoSteps(optimizer: OptimizerConfig, initState: (n: number) => Float64Array[], ref: Ref, lr = 0.05): Promise<void> {
  const w0 = perturbedWeights(spec, 21);
  const trainer = await OrtTrainer.create(spec, { loss: 'dice', optimizer, patch, batch: 1, exposeGradients: true }, { weights: w0 });
  let before: WeightSet = w0;
  const states = new Map([...w0].map(([k, v]) => [k, initState(v.data.length)]));
  for (let t = 1; t <= 2; t++) {
    const { gradients } = await trainer.step(image, label, lr);
    const after = trainer.weights();
    for (const [name, w] of before) {
      const expected = ref(Float64Array.from(w.data), gradients!.get(name)!.data, states.get(name)!, t, lr);
      const err = relErr(after.get(name)!.data, expected);
      assert.ok(err < 2e-6, `step ${t}, ${name}: relative error ${err}`);
    }
    before = after;
  }
  await trainer.dispose();
}

test('one Novograd step (and a second, with the moving second moment) equals MONAI Novograd recomputed in JS', async () => {
  const [b1, b2, eps, wd] = [0.9, 0.98, 1e-8, 0.01];
  await checkTwoSteps(
    { kind: 'novograd', weightDecay: wd },
    (n) => [new Float64Array(n), new Float64Array(1)],
    (w, g, [m, v], _t, lr) => {
      const norm = g.reduce((s, x) => s + x * x, 0);
      v[0] = v[0] === 0 ? norm : b2 * v[0] + (1 - b2) * norm;
      const out = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) {
        m[i] = b1 * m[i] + g[i] / (Math.sqrt(v[0]) + eps) + wd * w[i];
        out[i] = w[i] - lr * m[i];
      }
      return out;
    },
  );
});

function adamRef(b1: number, b2: number, eps: number, wd: number, decoupled: boolean): Ref {
  return (w, g, [m, v], t, lr) => {
    const out = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const wi = decoupled ? w[i] * (1 - lr * wd) : w[i];
      const gi = decoupled ? g[i] : g[i] + wd * w[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      out[i] = wi - (lr / (1 - b1 ** t)) * (m[i] / denom);
    }
    return out;
  };
}

test('one Adam step (and a second, with bias correction) equals torch.optim.Adam recomputed in JS', async () => {
  await checkTwoSteps({ kind: 'adam' }, (n) => [new Float64Array(n), new Float64Array(n)], adamRef(0.9, 0.999, 1e-8, 0, false), 0.01);
});

test('AdamW applies decoupled weight decay as torch.optim.AdamW', async () => {
  await checkTwoSteps(
    { kind: 'adamw', weightDecay: 0.1 },
    (n) => [new Float64Array(n), new Float64Array(n)],
    adamRef(0.9, 0.999, 1e-8, 0.1, true),
    0.01,
  );
});

test('SGD with Nesterov momentum equals torch.optim.SGD recomputed in JS', async () => {
  const [mu, wd] = [0.9, 1e-3];
  await checkTwoSteps(
    { kind: 'sgd', momentum: mu, nesterov: true, weightDecay: wd },
    (n) => [new Float64Array(n)],
    (w, g, [buf], _t, lr) => {
      const out = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + wd * w[i];
        buf[i] = mu * buf[i] + gi;
        out[i] = w[i] - lr * (gi + mu * buf[i]);
      }
      return out;
    },
  );
});
