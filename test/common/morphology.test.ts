/**
 * The one implementation of "keep largest island" and "fill holes" (engine/common), used by both the model card's
 * post-processing and the Segmentation panel: checked against an independent flood fill and on shapes whose
 * answer is known by counting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepLargestComponent } from '../../engine/common/connected-components.js';
import { fillHoles } from '../../engine/common/morphology.js';
import { mulberry32 } from '../../engine/common/rng.js';
import type { Dims3 } from '../../engine/common/volume.js';
import { referenceFill, referenceFillPerSlice, referenceLargest } from './reference-cc.js';

function randomLabels(dims: Dims3, density: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  return Uint8Array.from({ length: dims[0] * dims[1] * dims[2] }, () => (rnd() < density ? 1 : 0));
}

const count = (a: Uint8Array, v: number): number => a.reduce((s, x) => s + (x === v ? 1 : 0), 0);

/** Sets value on the inclusive box [x0, x1] × [y0, y1] × [z0, z1]. */
function paint(labels: Uint8Array, dims: Dims3, min: readonly number[], max: readonly number[], value: number): void {
  for (let z = min[2]; z <= max[2]; z++)
    for (let y = min[1]; y <= max[1]; y++)
      for (let x = min[0]; x <= max[0]; x++) {
        labels[x + dims[0] * (y + dims[1] * z)] = value;
      }
}

test('keepLargestComponent keeps exactly the largest 6-connected component (random volumes, checked against flood fill)', () => {
  const dims: Dims3 = [23, 17, 11];
  for (const [seed, density] of [
    [1, 0.3],
    [2, 0.5],
    [3, 0.62],
  ] as const) {
    const labels = randomLabels(dims, density, seed);
    const expected = referenceLargest(labels, dims, 1);
    keepLargestComponent(labels, dims, 1);
    assert.deepEqual(labels, expected, `seed ${seed}`);
  }
});

test('keepLargestComponent: a 4³ cube beats a 3³ cube, a lone voxel and a corner-touching one; other labels stay', () => {
  const dims: Dims3 = [12, 12, 12];
  const labels = new Uint8Array(12 ** 3);
  paint(labels, dims, [0, 0, 0], [3, 3, 3], 1); // 64 voxels
  paint(labels, dims, [7, 7, 7], [9, 9, 9], 1); // 27 voxels
  paint(labels, dims, [4, 4, 4], [4, 4, 4], 1); // touches the 4³ cube only at a corner: its own island
  paint(labels, dims, [11, 0, 0], [11, 0, 0], 1);
  paint(labels, dims, [5, 0, 0], [6, 3, 0], 2); // another segment: 8 voxels
  const removed = keepLargestComponent(labels, dims, 1);
  assert.equal(removed, 27 + 1 + 1);
  assert.equal(count(labels, 1), 64);
  assert.equal(count(labels, 2), 8);
  assert.equal(labels[4 + 12 * (4 + 12 * 4)], 0);
});

test('fillHoles in 3-D fills enclosed background, nothing open to the border (random volumes vs flood fill)', () => {
  const dims: Dims3 = [19, 21, 13];
  for (const [seed, density] of [
    [4, 0.6],
    [5, 0.7],
    [6, 0.8],
  ] as const) {
    const labels = randomLabels(dims, density, seed);
    const expected = referenceFill(labels, dims, 1);
    assert.ok(count(expected, 1) > count(labels, 1), 'the case has holes');
    fillHoles(labels, dims, 1, { dimension: '3d' });
    assert.deepEqual(labels, expected, `seed ${seed}`);
  }
});

test('fillHoles per axial slice fills what each slice encloses on its own (random volumes, checked against flood fill per slice)', () => {
  const dims: Dims3 = [19, 21, 7];
  for (const [seed, density] of [
    [7, 0.6],
    [8, 0.7],
  ] as const) {
    const labels = randomLabels(dims, density, seed);
    const expected = referenceFillPerSlice(labels, dims, 1);
    assert.ok(count(expected, 1) > count(referenceFill(labels, dims, 1), 1), 'per slice fills more than 3-D here');
    fillHoles(labels, dims, 1, { dimension: 'axial-slices' });
    assert.deepEqual(labels, expected, `seed ${seed}`);
  }
});

test('a tube open at both ends is a hole in every axial slice but no hole in 3-D; a closed cavity is one in both', () => {
  const dims: Dims3 = [11, 11, 5];
  const tube = new Uint8Array(11 * 11 * 5);
  paint(tube, dims, [2, 2, 0], [8, 8, 4], 1);
  paint(tube, dims, [4, 4, 0], [6, 6, 4], 0); // 3×3 bore through all 5 slices
  const in3d = tube.slice();
  assert.equal(fillHoles(in3d, dims, 1, { dimension: '3d' }), 0);
  const perSlice = tube.slice();
  assert.equal(fillHoles(perSlice, dims, 1, { dimension: 'axial-slices' }), 9 * 5);
  assert.equal(count(perSlice, 1), 7 * 7 * 5);

  const cube: Dims3 = [11, 11, 11];
  const shell = new Uint8Array(11 ** 3);
  paint(shell, cube, [2, 2, 2], [8, 8, 8], 1);
  paint(shell, cube, [4, 4, 4], [6, 6, 6], 0); // closed 3³ cavity
  paint(shell, cube, [5, 5, 5], [5, 5, 5], 3); // another segment inside the cavity is never overwritten
  assert.equal(fillHoles(shell.slice(), cube, 1, { dimension: '3d' }), 26);
  assert.equal(fillHoles(shell, cube, 1, { dimension: 'axial-slices' }), 26);
  assert.equal(shell[5 + 11 * (5 + 11 * 5)], 3);
});

test('fillHoles per slice leaves a notch open to the slice edge alone', () => {
  const dims: Dims3 = [10, 10, 1];
  const idx = (i: number, j: number): number => i + 10 * j;
  const labels = new Uint8Array(100);
  paint(labels, dims, [2, 2, 0], [6, 6, 0], 1);
  labels[idx(4, 4)] = 0; // enclosed hole
  labels[idx(4, 3)] = 3; // another segment inside: kept
  labels[idx(2, 4)] = 0; // notch open to the outside: not a hole
  assert.equal(fillHoles(labels, dims, 1, { dimension: 'axial-slices' }), 1);
  assert.equal(labels[idx(4, 4)], 1);
  assert.equal(labels[idx(4, 3)], 3);
  assert.equal(labels[idx(2, 4)], 0);
});
