import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { defaultModelSpec, type ModelSpec } from '../../engine/training/spec.js';
import { compileTrainingStep, type LossKind } from '../../engine/training/compile.js';
import { type WeightSet } from '../../engine/training/weights.js';
import { seededNormal } from '../../engine/common/rng.js';
import { perturbedWeights, smoothImage, smoothLabel } from './helpers.js';

/** Loss and gradients of a compiled step at given weights (lr 0, so it is a pure function of the weights). */
async function lossFn(spec: ModelSpec, loss: LossKind, patch: [number, number, number]) {
  const program = compileTrainingStep(spec, { loss, optimizer: { kind: 'sgd' }, patch, batch: 1, exposeGradients: true });
  const session = await ort.InferenceSession.create(program.onnx);
  const image = smoothImage(program.imageDims, 31);
  const label = smoothLabel(spec, program.labelDims, 37);
  const run = async (w: WeightSet) => {
    const feeds: Record<string, ort.Tensor> = {
      image: new ort.Tensor('float32', image, program.imageDims),
      label: new ort.Tensor('float32', label, program.labelDims),
      lr: new ort.Tensor('float32', new Float32Array([0]), []),
      step: new ort.Tensor('float32', new Float32Array([0]), []),
    };
    program.weightNames.forEach((n, i) => (feeds[n] = new ort.Tensor('float32', w.get(n)!.data, program.weightDims[i])));
    const out = await session.run(feeds);
    return { loss: (out.loss.data as Float32Array)[0], grad: (name: string) => out[`grad.${name}`].data as Float32Array };
  };
  return { run, session };
}

const CASES: [string, ModelSpec, LossKind][] = [
  ['residual U-Net, Dice+BCE', { ...defaultModelSpec(), channels: [2, 4], activation: 'leakyrelu' }, 'dice_ce'],
  [
    'plain U-Net, strided/upsample, softmax, Dice+CE',
    {
      ...defaultModelSpec(),
      channels: [2, 4],
      block: 'plain',
      down: 'strided',
      up: 'upsample',
      outputActivation: 'softmax',
      outClasses: 2,
    },
    'dice_ce',
  ],
];
for (const [label, spec, loss] of CASES) {
  test(`directional central finite differences of the loss agree with the compiled gradients on a tiny net: ${label}`, async () => {
    const weights = perturbedWeights(spec, 3);
    const { run, session } = await lossFn(spec, loss, [8, 8, 8]);
    const at = await run(weights);
    // Float32 losses carry ~1e-6 of round-off, which swamps single-coordinate differences; directional
    // derivatives along each tensor's own gradient (signal |g|) and along one random direction over all weights
    // are measurable. Along u = g/|g|, the difference quotient must equal |g|.
    const shift = (u: Map<string, Float32Array>, h: number) => {
      for (const [name, t] of weights) {
        const d = u.get(name);
        if (d) for (let i = 0; i < d.length; i++) t.data[i] += h * d[i];
      }
    };
    const directional = async (u: Map<string, Float32Array>, h: number) => {
      const saved = new Map([...weights].map(([k, v]) => [k, v.data.slice()]));
      shift(u, h);
      const up = (await run(weights)).loss;
      for (const [k, v] of saved) weights.get(k)!.data.set(v);
      shift(u, -h);
      const down = (await run(weights)).loss;
      for (const [k, v] of saved) weights.get(k)!.data.set(v);
      return (up - down) / (2 * h);
    };
    const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
    let checked = 0;
    for (const name of weights.keys()) {
      const g = at.grad(name).slice();
      const n = norm(g);
      if (n < 1e-3) continue;
      const fd = await directional(new Map([[name, g.map((x) => x / n)]]), 1e-3);
      assert.ok(Math.abs(fd - n) <= 0.03 * n + 2e-4, `${name}: finite difference ${fd} vs |gradient| ${n}`);
      checked++;
    }
    const rnd = seededNormal(99);
    const v = new Map([...weights].map(([k, t]) => [k, t.data.map(() => rnd())]));
    const total = Math.sqrt([...v.values()].reduce((s, a) => s + norm(a) ** 2, 0));
    for (const a of v.values()) for (let i = 0; i < a.length; i++) a[i] /= total;
    const predicted = [...v].reduce((s, [k, a]) => s + a.reduce((t, x, i) => t + x * at.grad(k)[i], 0), 0);
    const fd = await directional(v, 1e-3);
    assert.ok(
      Math.abs(fd - predicted) <= 0.03 * Math.abs(predicted) + 2e-4,
      `random direction: finite difference ${fd} vs gradient ${predicted}`,
    );
    await session.release();
    assert.ok(checked >= 8, `only ${checked} tensors had a measurable gradient`);
  });
}
