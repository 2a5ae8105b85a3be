import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diceScore, dicePerLabel } from '../../engine/common/metrics/dice.js';

test('Dice is 2|P∩T| / (|P|+|T|) per label value, hand-computed', () => {
  const pred = Uint8Array.from([1, 1, 0, 2, 2, 0]);
  const truth = Uint8Array.from([1, 0, 1, 2, 0, 0]);
  assert.equal(diceScore(pred, truth, 1), (2 * 1) / (2 + 2));
  assert.equal(diceScore(pred, truth, 2), (2 * 1) / (2 + 1));
  assert.deepEqual(dicePerLabel(pred, truth, [1, 2]), { '1': 0.5, '2': 2 / 3 });
});

test('Dice counts a label absent from both prediction and truth as 1, and refuses different sizes', () => {
  assert.equal(diceScore(new Uint8Array(4), new Uint8Array(4), 1), 1);
  assert.equal(diceScore(Uint8Array.from([1, 0]), Uint8Array.from([0, 0]), 1), 0);
  assert.throws(() => diceScore(new Uint8Array(3), new Uint8Array(4)), /3 voxels/);
});
