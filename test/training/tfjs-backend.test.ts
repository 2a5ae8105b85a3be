import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultModelSpec } from '../../engine/training/spec.js';
import { OrtTrainer } from '../../engine/training/trainer.js';
import { TfjsTrainer } from '../../engine/training/tfjs/trainer.js';
import { perturbedWeights, relErr, smoothImage, smoothLabel } from './helpers.js';

test('the tfjs backend continues an ORT run: same loss and same weights after a step from ORT weights and state', async () => {
  const spec = { ...defaultModelSpec(), channels: [4, 8] };
  const opts = {
    loss: 'dice_ce' as const,
    optimizer: { kind: 'sgd' as const, momentum: 0.9 },
    patch: [8, 8, 8] as [number, number, number],
    batch: 1,
  };
  const batches = [1, 2].map((s) => ({ image: smoothImage([1, 1, 8, 8, 8], s), label: smoothLabel(spec, [1, 1, 8, 8, 8], s + 5) }));
  const ortTrainer = await OrtTrainer.create(spec, opts, { weights: perturbedWeights(spec, 4) });
  await ortTrainer.step(batches[0].image, batches[0].label, 0.05);
  const tfjsTrainer = await TfjsTrainer.create(spec, opts, {
    weights: ortTrainer.weights(),
    state: ortTrainer.optimizerState(),
    step: ortTrainer.stepCount,
  });
  const a = await ortTrainer.step(batches[1].image, batches[1].label, 0.05);
  const b = await tfjsTrainer.step(batches[1].image, batches[1].label, 0.05);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `loss ${a.loss} (ORT) vs ${b.loss} (tfjs)`);
  const wa = ortTrainer.weights();
  for (const [name, w] of tfjsTrainer.weights()) {
    const err = relErr(w.data, wa.get(name)!.data);
    assert.ok(err < 1e-4, `${name}: relative difference ${err}`);
  }
  const sa = ortTrainer.optimizerState();
  assert.deepEqual([...tfjsTrainer.optimizerState().keys()], [...sa.keys()]);
  assert.equal(tfjsTrainer.stepCount, 2);
  await ortTrainer.dispose();
});
