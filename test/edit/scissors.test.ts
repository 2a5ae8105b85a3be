import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyScissors, rasterizePolygon } from '../../engine/common/edit/scissors.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { at, count, fillBox, grid } from './helpers.js';

const square = [
  [1.5, 1.5],
  [5.5, 1.5],
  [5.5, 5.5],
  [1.5, 5.5],
] as const;

test('a square from 1.5 to 5.5 holds the 4×4 voxel centres 2…5', () => {
  const mask = rasterizePolygon(square, 8, 8);
  assert.equal(
    mask.reduce((a, b) => a + b, 0),
    16,
  );
  assert.equal(mask[2 + 8 * 2], 1);
  assert.equal(mask[1 + 8 * 2], 0);
  assert.equal(mask[5 + 8 * 5], 1);
});

test('erase inside on the axial view cuts through every slice, or only the slab', () => {
  const g = grid([8, 8, 4]);
  fillBox(g, [0, 0, 0], [7, 7, 3], 1);
  applyScissors(g, 1, { normalAxis: 2, polygon: square, action: 'erase', region: 'inside' }, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(count(g, 1), 256 - 64);
  const slab = grid([8, 8, 4]);
  fillBox(slab, [0, 0, 0], [7, 7, 3], 1);
  applyScissors(
    slab,
    1,
    { normalAxis: 2, polygon: square, action: 'erase', region: 'inside', slab: [1, 2] },
    DEFAULT_POLICY,
    directWriter(slab.labels),
  );
  assert.equal(count(slab, 1), 256 - 32);
  assert.equal(slab.labels[at(slab, 3, 3, 0)], 1);
});

test('fill outside on a coronal view uses (i, k) coordinates and respects overwrite none', () => {
  const g = grid([8, 3, 8]);
  fillBox(g, [0, 0, 0], [0, 2, 7], 2); // a wall of segment 2 at i = 0
  applyScissors(
    g,
    1,
    { normalAxis: 1, polygon: square, action: 'fill', region: 'outside' },
    { area: { mode: 'everywhere' }, overwrite: 'none' },
    directWriter(g.labels),
  );
  // Outside the 16 (i, k) centres: 48 per j-slice, of which the 8 at i = 0 stay segment 2.
  assert.equal(count(g, 1), 3 * (48 - 8));
  assert.equal(count(g, 2), 24);
});
