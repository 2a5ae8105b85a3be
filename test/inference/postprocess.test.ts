import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepLargestComponent, fillHoles, nonZeroBox, postprocessLabels } from '../../engine/inference/postprocess.js';
import type { Dims3 } from '../../engine/volume/volume.js';
import { referenceFill, referenceLargest } from './reference-cc.js';
import { seededRandom } from '../../engine/training/weights.js';

function randomLabels(dims: Dims3, density: number, seed: number): Uint8Array {
  const rnd = seededRandom(seed);
  return Uint8Array.from({ length: dims[0] * dims[1] * dims[2] }, () => (rnd() < density ? 1 : 0));
}

test('keepLargestComponent keeps exactly the largest 6-connected component (random volumes, checked against flood fill)', () => {
  const dims: Dims3 = [23, 17, 11];
  for (const [seed, density] of [[1, 0.3], [2, 0.5], [3, 0.62]] as const) {
    const labels = randomLabels(dims, density, seed);
    const expected = referenceLargest(labels, dims, 1);
    keepLargestComponent(labels, dims, 1);
    assert.deepEqual(labels, expected, `seed ${seed}`);
  }
});

test('diagonal contact does not connect components (6-connectivity)', () => {
  const dims: Dims3 = [4, 4, 4];
  const labels = new Uint8Array(64);
  labels[0] = 1; // (0,0,0)
  labels[1 + 4 + 16] = 1; // (1,1,1): touches (0,0,0) only at a corner
  labels[2 + 4 + 16] = 1;
  keepLargestComponent(labels, dims, 1);
  assert.equal(labels[0], 0);
  assert.equal(labels[21] + labels[22], 2);
});

test('fillHoles fills background enclosed by the label and nothing open to the border (random volumes, checked against flood fill)', () => {
  const dims: Dims3 = [19, 21, 13];
  for (const [seed, density] of [[4, 0.6], [5, 0.7], [6, 0.8]] as const) {
    const labels = randomLabels(dims, density, seed);
    const expected = referenceFill(labels, dims, 1);
    assert.ok(expected.reduce((a, b) => a + b, 0) > labels.reduce((a, b) => a + b, 0), 'the case has holes');
    fillHoles(labels, dims, 1);
    assert.deepEqual(labels, expected, `seed ${seed}`);
  }
});

test('postprocessing within the label box gives the same result as on the whole volume', () => {
  const dims: Dims3 = [40, 30, 20];
  const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const rnd = seededRandom(9);
  // a noisy blob in the middle: small stray bits, a big body, holes inside
  for (let z = 5; z < 15; z++) for (let y = 6; y < 24; y++) for (let x = 8; x < 30; x++) if (rnd() < 0.75) labels[x + 40 * (y + 30 * z)] = 1;
  const whole = referenceFill(referenceLargest(labels, dims, 1), dims, 1);
  postprocessLabels({ data: labels, dims, affine: new Float64Array(16) }, [1], { largestComponent: true, fillHoles: true });
  assert.deepEqual(labels, whole);
  assert.deepEqual(nonZeroBox(labels, dims)?.min.length, 3);
});
