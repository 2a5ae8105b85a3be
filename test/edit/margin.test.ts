import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyHollow, applyMargin } from '../../engine/common/edit/margin.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { at, count, fillBall, fillBox, grid } from './helpers.js';

test('one voxel grown by 2 mm at 1×1×2 mm spacing gives the 15 voxels within 2 mm', () => {
  const g = grid([9, 9, 9], [1, 1, 2]);
  g.labels[at(g, 4, 4, 4)] = 1;
  const r = applyMargin(g, 1, 2, DEFAULT_POLICY, directWriter(g.labels));
  // Slice k: the 13 in-plane points with di²+dj² ≤ 4; slices k±1 are 2 mm away: only their centre voxel.
  assert.equal(count(g, 1), 15);
  assert.equal(r.added, 14);
  assert.equal(g.labels[at(g, 4, 4, 5)], 1);
  assert.equal(g.labels[at(g, 5, 4, 5)], 0);
});

test('a 5 mm sphere grown by 2 mm holds every voxel within 7 − √3/2 mm and none beyond 7 mm', () => {
  const g = grid([25, 25, 25], [1, 1, 1]);
  fillBall(g, [12, 12, 12], 5, 1);
  applyMargin(g, 1, 2, DEFAULT_POLICY, directWriter(g.labels));
  for (let k = 0; k < 25; k++)
    for (let j = 0; j < 25; j++)
      for (let i = 0; i < 25; i++) {
        const r = Math.hypot(i - 12, j - 12, k - 12);
        const v = g.labels[at(g, i, j, k)];
        if (r <= 7 - Math.sqrt(3) / 2) assert.equal(v, 1, `(${i},${j},${k}) at ${r.toFixed(2)} mm must be in`);
        if (r > 7 + 1e-9) assert.equal(v, 0, `(${i},${j},${k}) at ${r.toFixed(2)} mm must be out`);
      }
});

test('a 5×5×5 cube shrunk by 1 mm keeps its 3×3×3 core; at 2 mm slices the k faces stay', () => {
  const iso = grid([9, 9, 9]);
  fillBox(iso, [2, 2, 2], [6, 6, 6], 1);
  assert.equal(applyMargin(iso, 1, -1, DEFAULT_POLICY, directWriter(iso.labels)).removed, 125 - 27);
  assert.equal(count(iso, 1), 27);
  const aniso = grid([9, 9, 9], [1, 1, 2]);
  fillBox(aniso, [2, 2, 2], [6, 6, 6], 1);
  applyMargin(aniso, 1, -1, DEFAULT_POLICY, directWriter(aniso.labels));
  assert.equal(count(aniso, 1), 3 * 3 * 5, 'the outside is 2 mm away along k');
});

test('hollow: a 1 mm inside shell of a 5³ cube has 98 voxels, an outside shell its 150 face neighbours', () => {
  const inside = grid([9, 9, 9]);
  fillBox(inside, [2, 2, 2], [6, 6, 6], 1);
  applyHollow(inside, 1, 1, 'inside', DEFAULT_POLICY, directWriter(inside.labels));
  assert.equal(count(inside, 1), 98);
  assert.equal(inside.labels[at(inside, 4, 4, 4)], 0, 'the centre is hollow');
  const outside = grid([9, 9, 9]);
  fillBox(outside, [2, 2, 2], [6, 6, 6], 1);
  applyHollow(outside, 1, 1, 'outside', DEFAULT_POLICY, directWriter(outside.labels));
  assert.equal(count(outside, 1), 150);
  assert.equal(outside.labels[at(outside, 2, 2, 2)], 0);
  assert.equal(outside.labels[at(outside, 1, 4, 4)], 1);
});
