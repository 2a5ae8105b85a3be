import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillHoles, interpolateSlices, keepLargestIsland } from '../../renderer/src/edit/morphology.js';

const idx = (i: number, j: number, k: number, n = 10): number => i + n * (j + n * k);

test('fillHoles fills background enclosed in an axial slice but not background open to the border', () => {
  const dims = [10, 10, 1] as const;
  const labels = new Uint8Array(100);
  for (let i = 2; i <= 6; i++) for (let j = 2; j <= 6; j++) labels[idx(i, j, 0)] = 1;
  labels[idx(4, 4, 0)] = 0; // enclosed hole
  labels[idx(4, 3, 0)] = 3; // another segment inside: kept
  labels[idx(2, 4, 0)] = 0; // notch open to the outside: not a hole
  const out = fillHoles(labels, dims, 1);
  assert.equal(out[idx(4, 4, 0)], 1);
  assert.equal(out[idx(4, 3, 0)], 3);
  assert.equal(out[idx(2, 4, 0)], 0);
  assert.equal(labels[idx(4, 4, 0)], 0, 'input untouched');
});

test('keepLargestIsland removes the smaller 6-connected components only', () => {
  const dims = [10, 10, 10] as const;
  const labels = new Uint8Array(1000);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) labels[idx(i, j, 0)] = 1; // 12 voxels
  labels[idx(8, 8, 8)] = 1; // island of 1
  labels[idx(7, 7, 7)] = 1; // diagonal neighbour: separate under 6-connectivity
  labels[idx(5, 5, 5)] = 2; // other segment
  const out = keepLargestIsland(labels, dims, 1);
  assert.equal(out.reduce((s, v) => s + (v === 1 ? 1 : 0), 0), 12);
  assert.equal(out[idx(5, 5, 5)], 2);
});

test('interpolateSlices fills the gap between two annotated slices with a blend of their shapes', () => {
  const dims = [10, 10, 5] as const;
  const labels = new Uint8Array(500);
  for (let i = 3; i <= 6; i++) for (let j = 3; j <= 6; j++) { labels[idx(i, j, 0)] = 1; labels[idx(i, j, 4)] = 1; }
  const out = interpolateSlices(labels, dims, 1);
  for (let k = 1; k <= 3; k++) {
    assert.equal(out[idx(4, 4, k)], 1, `centre of slice ${k}`);
    assert.equal(out[idx(0, 0, k)], 0, `corner of slice ${k}`);
    let n = 0;
    for (let p = k * 100; p < (k + 1) * 100; p++) n += out[p] === 1 ? 1 : 0;
    assert.equal(n, 16, `slice ${k} has the same 4×4 square`);
  }
});
