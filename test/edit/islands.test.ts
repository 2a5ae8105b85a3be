import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyIslands } from '../../engine/common/edit/islands.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { at, count, fillBox, grid } from './helpers.js';

/** Segment 1 as three islands of 27, 8 and 1 voxels (1 mm³ each = 0.001 mL); segment 3 elsewhere. */
function islands() {
  const g = grid([14, 6, 6]);
  fillBox(g, [0, 0, 0], [2, 2, 2], 1);
  fillBox(g, [5, 0, 0], [6, 1, 1], 1);
  g.labels[at(g, 10, 0, 0)] = 1;
  g.labels[at(g, 13, 5, 5)] = 3;
  return g;
}

test('keep largest leaves the 27-voxel island', () => {
  const g = islands();
  assert.equal(applyIslands(g, 1, { kind: 'keepLargest' }, DEFAULT_POLICY, directWriter(g.labels)).removed, 9);
  assert.equal(count(g, 1), 27);
  assert.equal(count(g, 3), 1);
});

test('remove islands smaller than 0.005 mL drops only the single voxel', () => {
  const g = islands();
  applyIslands(g, 1, { kind: 'removeSmall', minMl: 0.005 }, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(count(g, 1), 35);
  assert.equal(g.labels[at(g, 10, 0, 0)], 0);
});

test('split gives each island its own segment, largest first, skipping values in use', () => {
  const g = islands();
  applyIslands(g, 1, { kind: 'split', minMl: 0 }, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(count(g, 1), 27);
  assert.equal(count(g, 2), 8);
  assert.equal(count(g, 4), 1, 'value 3 is taken, so the third island becomes 4');
});

test('keep selected island keeps the island under the cursor', () => {
  const g = islands();
  applyIslands(g, 1, { kind: 'keepSelected', voxel: at(g, 6, 1, 1) }, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(count(g, 1), 8);
  assert.throws(
    () => applyIslands(g, 1, { kind: 'keepSelected', voxel: at(g, 12, 3, 3) }, DEFAULT_POLICY, directWriter(g.labels)),
    /not part/,
  );
});
