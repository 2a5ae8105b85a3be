/**
 * Validation scores what `segment` gives: the card's post-processing (largest component) runs before the Dice, so
 * a checkpoint is not ranked by scattered false positives that `segment` would remove anyway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '../../engine/training/run/validate.js';
import { thresholdOnnx } from '../../tools/samples/threshold-model.js';

const DIMS = [24, 24, 24] as const;

/** A bright 12³ block labelled liver and, apart from it, a bright 3³ island the label does not have. */
function blockWithIsland() {
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const image = new Float32Array(n);
  const label = new Uint8Array(n);
  const at = (x: number, y: number, z: number) => x + DIMS[0] * (y + DIMS[1] * z);
  for (let z = 2; z < 14; z++) for (let y = 2; y < 14; y++) for (let x = 2; x < 14; x++) (image[at(x, y, z)] = 1), (label[at(x, y, z)] = 1);
  for (let z = 19; z < 22; z++) for (let y = 19; y < 22; y++) for (let x = 19; x < 22; x++) image[at(x, y, z)] = 1;
  return { image, label, dims: DIMS };
}

async function validDice(largestComponent: boolean): Promise<number> {
  const arrays = blockWithIsland();
  const r = await validate(thresholdOnnx({ sigmoidInGraph: false }), [{ id: 'c', load: async () => arrays }], 1, {
    patch: [16, 16, 16],
    overlap: 0.25,
    threshold: 0.5,
    activation: 'sigmoid',
    postprocess: { largestComponent, fillHoles: false },
  });
  return r.dice.c;
}

test('validation applies the largest-component clean-up the card carries, as segment does', async () => {
  const island = 27;
  const block = 12 ** 3;
  const raw = await validDice(false);
  assert.ok(Math.abs(raw - (2 * block) / (2 * block + island)) < 1e-9, `without clean-up the island counts: ${raw}`);
  assert.equal(await validDice(true), 1);
});
