import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInterpolation } from '../../engine/common/edit/interpolate.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { at, count, fillBox, grid } from './helpers.js';

test('a tumour drawn inside the liver on slices 1 and 5 is interpolated through the liver on slices 2–4', () => {
  const g = grid([12, 12, 7]);
  fillBox(g, [0, 0, 0], [11, 11, 6], 1); // liver everywhere
  fillBox(g, [4, 4, 1], [7, 7, 1], 2);
  fillBox(g, [4, 4, 5], [7, 7, 5], 2);
  const r = applyInterpolation(g, 2, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(r.added, 3 * 16, 'the same 4×4 square on the three slices between');
  assert.equal(count(g, 2), 5 * 16);
  assert.equal(g.labels[at(g, 5, 5, 3)], 2);
  assert.equal(g.labels[at(g, 5, 5, 0)], 1, 'nothing beyond the drawn slices');
});

test('with overwrite none the liver is kept and the UI can say why nothing was filled', () => {
  const g = grid([12, 12, 7]);
  fillBox(g, [0, 0, 0], [11, 11, 6], 1);
  fillBox(g, [4, 4, 1], [7, 7, 1], 2);
  fillBox(g, [4, 4, 5], [7, 7, 5], 2);
  assert.equal(applyInterpolation(g, 2, { area: { mode: 'everywhere' }, overwrite: 'none' }, directWriter(g.labels)).changed, 0);
});

test('a square growing from 2×2 to 6×6 over four slices is 4×4 in the middle slice', () => {
  const g = grid([10, 10, 5]);
  fillBox(g, [4, 4, 0], [5, 5, 0], 1);
  fillBox(g, [2, 2, 4], [7, 7, 4], 1);
  applyInterpolation(g, 1, DEFAULT_POLICY, directWriter(g.labels));
  let middle = 0;
  for (let j = 0; j < 10; j++) for (let i = 0; i < 10; i++) middle += g.labels[at(g, i, j, 2)] === 1 ? 1 : 0;
  assert.equal(middle, 16);
  assert.equal(g.labels[at(g, 3, 3, 2)], 1);
  assert.equal(g.labels[at(g, 2, 2, 2)], 0);
});

test('shapes that do not overlap are aligned: a square moving 8 voxels is half-way on the middle slice', () => {
  const g = grid([16, 6, 3]);
  fillBox(g, [1, 1, 0], [3, 3, 0], 1);
  fillBox(g, [9, 1, 2], [11, 3, 2], 1);
  applyInterpolation(g, 1, DEFAULT_POLICY, directWriter(g.labels));
  for (let i = 0; i < 16; i++) {
    const expected = i >= 5 && i <= 7 ? 1 : 0;
    assert.equal(g.labels[at(g, i, 2, 1)], expected, `voxel i=${i} of the middle slice`);
  }
  assert.equal(count(g, 1), 27);
});

test('interpolation along the sagittal axis uses that axis’ slices', () => {
  const g = grid([5, 8, 8]);
  fillBox(g, [0, 2, 2], [0, 5, 5], 1);
  fillBox(g, [4, 2, 2], [4, 5, 5], 1);
  applyInterpolation(g, 1, DEFAULT_POLICY, directWriter(g.labels), 0);
  assert.equal(count(g, 1), 5 * 16);
});
