/** The Segmentation panel's slice interpolation (fill holes and keep largest island: test/common/morphology.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateSlices } from '../../renderer/src/edit/morphology.js';

const idx = (i: number, j: number, k: number, n = 10): number => i + n * (j + n * k);

test('interpolateSlices fills the gap between two annotated slices with a blend of their shapes', () => {
  const dims = [10, 10, 5] as const;
  const labels = new Uint8Array(500);
  for (let i = 3; i <= 6; i++)
    for (let j = 3; j <= 6; j++) {
      labels[idx(i, j, 0)] = 1;
      labels[idx(i, j, 4)] = 1;
    }
  const out = interpolateSlices(labels, dims, 1);
  for (let k = 1; k <= 3; k++) {
    assert.equal(out[idx(4, 4, k)], 1, `centre of slice ${k}`);
    assert.equal(out[idx(0, 0, k)], 0, `corner of slice ${k}`);
    let n = 0;
    for (let p = k * 100; p < (k + 1) * 100; p++) n += out[p] === 1 ? 1 : 0;
    assert.equal(n, 16, `slice ${k} has the same 4×4 square`);
  }
});
