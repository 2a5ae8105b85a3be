import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import * as tf from '@tensorflow/tfjs';
import { defaultModelSpec, type ModelSpec } from '../../engine/training/spec.js';
import { buildInferenceModel } from '../../engine/training/export.js';
import { OrtTrainer } from '../../engine/training/trainer.js';
import type { LossKind } from '../../engine/training/compile.js';
import { tfjsForward, tfjsLossAndGrads, toTfParams } from '../../engine/training/tfjs/unet.js';
import { perturbedWeights, relErr, smoothImage, smoothLabel } from './helpers.js';

await tf.setBackend('cpu');

interface Case {
  label: string;
  diceOverBatch?: boolean;
  spec: ModelSpec;
  loss: LossKind;
  batch: number;
  patch: [number, number, number];
}

const base = { ...defaultModelSpec(), channels: [4, 8, 16] };
const CASES: Case[] = [
  { label: 'residual, max-pool, transposed conv, sigmoid, Dice', spec: base, loss: 'dice', batch: 1, patch: [24, 24, 24] },
  {
    label: 'plain, leaky ReLU, strided conv, upsample, softmax 3 classes, Dice+CE, batch 2, 2 input channels',
    spec: {
      ...base,
      block: 'plain',
      activation: 'leakyrelu',
      down: 'strided',
      up: 'upsample',
      outputActivation: 'softmax',
      outClasses: 3,
      inChannels: 2,
    },
    loss: 'dice_ce',
    batch: 2,
    patch: [8, 12, 16],
  },
  {
    label: 'residual, sigmoid, Dice over the batch (MONAI batch=True), batch 2 with one patch without foreground',
    spec: base,
    loss: 'dice',
    batch: 2,
    patch: [8, 8, 8],
    diceOverBatch: true,
  },
  {
    label: 'residual, strided conv, upsample, sigmoid 2 classes, Dice+BCE',
    spec: { ...base, down: 'strided', up: 'upsample', outClasses: 2 },
    loss: 'dice_ce',
    batch: 1,
    patch: [16, 8, 12],
  },
];

for (const c of CASES) {
  const imageDims = [c.batch, c.spec.inChannels, ...c.patch];
  const labelDims = [c.batch, c.spec.outClasses, ...c.patch];
  const weights = perturbedWeights(c.spec, 7);
  const image = smoothImage(imageDims, 11);
  const label = smoothLabel(c.spec, labelDims, 13);
  if (c.diceOverBatch) label.fill(0, label.length / 2);

  test(`ORT inference forward equals the TF.js forward (rel 1e-4): ${c.label}`, async () => {
    const session = await ort.InferenceSession.create(buildInferenceModel(c.spec, weights));
    const out = await session.run({ image: new ort.Tensor('float32', image, imageDims) });
    assert.deepEqual(out.logits.dims, labelDims);
    const params = toTfParams(weights);
    const ref = tfjsForward(c.spec, params, tf.tensor(image, imageDims));
    const err = relErr(out.logits.data as Float32Array, ref.dataSync());
    tf.dispose([ref, ...params.values()]);
    await session.release();
    assert.ok(err < 1e-4, `forward relative error ${err}`);
  });

  test(`every ORT training-graph gradient equals the TF.js autodiff gradient (rel 1e-3): ${c.label}`, async () => {
    const trainer = await OrtTrainer.create(
      c.spec,
      { loss: c.loss, optimizer: { kind: 'sgd' }, patch: c.patch, batch: c.batch, exposeGradients: true, diceOverBatch: c.diceOverBatch },
      { weights },
    );
    const { loss, gradients } = await trainer.step(image, label, 0);
    await trainer.dispose();
    const ref = tfjsLossAndGrads(c.spec, weights, tf.tensor(image, imageDims), tf.tensor(label, labelDims), c.loss, c.diceOverBatch);
    assert.ok(Math.abs(loss - ref.loss) < 1e-5 * Math.max(1, Math.abs(ref.loss)), `loss ${loss} vs tfjs ${ref.loss}`);
    assert.equal(gradients!.size, weights.size);
    // Gradients that are zero in exact arithmetic cannot be compared relatively: the bias of a conv followed by
    // instance norm, and the weight of a 1-input-channel 1x1 conv followed by one (IN removes its scale). For those
    // both sides must be round-off small; every other gradient must match to 1e-3.
    const largest = Math.max(...[...ref.grads.values()].map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    const structurallyZero = (name: string, dims: number[]) =>
      /(conv\d|skip)\.bias$/.test(name) || (/\.skip\.weight$/.test(name) && dims[1] === 1);
    const worst: string[] = [];
    for (const [name, g] of gradients!) {
      if (structurallyZero(name, g.dims)) {
        const mag = Math.max(
          relErr(g.data, new Float32Array(g.data.length), largest),
          relErr(ref.grads.get(name)!, new Float32Array(g.data.length), largest),
        );
        if (!(mag < 1e-4)) worst.push(`${name} should be ~0: ${mag.toExponential(2)} of the largest gradient`);
        continue;
      }
      const err = relErr(g.data, ref.grads.get(name)!);
      if (!(err < 1e-3)) worst.push(`${name}: ${err.toExponential(2)}`);
    }
    assert.deepEqual(worst, [], 'gradients off by more than 1e-3');
  });
}
