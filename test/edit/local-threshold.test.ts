/**
 * Local AI correction on shapes with known answers: inside the balls around the clicks the segment becomes exactly
 * the voxels whose stored probability exceeds the threshold, nothing changes outside, maps that do not cover a
 * voxel count as probability 0, and the edit policy (overwrite rule, locked segments) holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLocalThreshold, regionBox, type StoredProbabilities } from '../../engine/common/edit/localThreshold.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { at, count, fillBox, grid } from './helpers.js';

/** Maps over the box [4..15]³ of a 20³ grid whose byte is 15 × i (i the volume column): p rises along i. */
function rampMaps(): StoredProbabilities {
  const box = { min: [4, 4, 4], max: [15, 15, 15] } as const;
  const data = new Uint8Array(12 * 12 * 12);
  for (let q = 0; q < data.length; q++) data[q] = 15 * (4 + (q % 12));
  return { box, values: [1], data, scale: 255 };
}

test('inside a ball the segment becomes p > threshold; outside it nothing changes', () => {
  const g = grid([20, 20, 20]);
  fillBox(g, [0, 0, 0], [19, 19, 19], 0);
  fillBox(g, [2, 10, 10], [3, 10, 10], 1); // left of the maps: p = 0 there
  fillBox(g, [0, 0, 0], [1, 1, 1], 1); // far from the ball: must stay
  // threshold 0.4 → byte > 102 → 15·i > 102 → i ≥ 7: the whole ball (i = 7…13).
  const result = applyLocalThreshold(
    g,
    rampMaps(),
    1,
    { centres: [[10, 10, 10]], radiusMm: 3 },
    0.4,
    DEFAULT_POLICY,
    directWriter(g.labels),
  );
  let expected = 8; // the far corner cube stays
  for (let k = 7; k <= 13; k++)
    for (let j = 7; j <= 13; j++)
      for (let i = 7; i <= 13; i++) {
        const inBall = (i - 10) ** 2 + (j - 10) ** 2 + (k - 10) ** 2 <= 9;
        if (inBall) expected++;
        assert.equal(g.labels[at(g, i, j, k)], inBall ? 1 : 0, `voxel ${i},${j},${k}`);
      }
  // The two voxels at i = 2, 3 lie outside the ball (distance ≥ 7): kept.
  expected += 2;
  assert.equal(count(g, 1), expected);
  assert.equal(result.added, expected - 10);
  assert.equal(result.removed, 0);
});

test('a higher threshold removes the voxels below it inside the ball, and voxels outside the maps count as p = 0', () => {
  const g = grid([20, 20, 20]);
  fillBox(g, [0, 8, 8], [19, 12, 12], 1);
  // 0.45 → byte > 114.75 → i ≥ 8; the ball of radius 4 around (6, 10, 10) reaches i = 2…10; i < 4 lies outside the maps.
  const result = applyLocalThreshold(
    g,
    rampMaps(),
    1,
    { centres: [[6, 10, 10]], radiusMm: 4 },
    0.45,
    DEFAULT_POLICY,
    directWriter(g.labels),
  );
  for (let i = 2; i <= 10; i++) assert.equal(g.labels[at(g, i, 10, 10)], i >= 8 ? 1 : 0, `column ${i}`);
  assert.equal(g.labels[at(g, 1, 10, 10)], 1, 'outside the ball: kept');
  let removed = 0;
  for (let k = 8; k <= 12; k++)
    for (let j = 8; j <= 12; j++) for (let i = 2; i < 8; i++) if ((i - 6) ** 2 + (j - 10) ** 2 + (k - 10) ** 2 <= 16) removed++;
  assert.equal(result.removed, removed, 'the band voxels of the ball with i < 8');
});

test('overwrite none keeps other segments, and a locked segment is never taken', () => {
  const g = grid([20, 20, 20]);
  fillBox(g, [9, 9, 9], [11, 11, 11], 2);
  fillBox(g, [12, 9, 9], [13, 11, 11], 3);
  const before2 = count(g, 2);
  applyLocalThreshold(
    g,
    rampMaps(),
    1,
    { centres: [[10, 10, 10]], radiusMm: 4 },
    0.3,
    { ...DEFAULT_POLICY, overwrite: 'none' },
    directWriter(g.labels),
  );
  assert.equal(count(g, 2), before2, 'overwrite none');
  assert.ok(count(g, 1) > 0);
  applyLocalThreshold(
    g,
    rampMaps(),
    1,
    { centres: [[10, 10, 10]], radiusMm: 4 },
    0.3,
    { ...DEFAULT_POLICY, locked: [3] },
    directWriter(g.labels),
  );
  assert.equal(count(g, 3), 2 * 3 * 3, 'locked');
  assert.equal(count(g, 2), 0, 'overwrite all takes segment 2');
});

test('a segment the model has no map for is refused by name; an empty region changes nothing', () => {
  const g = grid([20, 20, 20]);
  assert.throws(
    () => applyLocalThreshold(g, rampMaps(), 2, { centres: [[1, 1, 1]], radiusMm: 2 }, 0.5, DEFAULT_POLICY, directWriter(g.labels)),
    /no probabilities for segment 2 \(it gave 1\)/,
  );
  assert.equal(regionBox({ centres: [[-30, 0, 0]], radiusMm: 2 }, g.dims, g.spacing), null);
  assert.equal(applyLocalThreshold(g, rampMaps(), 1, { centres: [], radiusMm: 2 }, 0.5, DEFAULT_POLICY, directWriter(g.labels)).changed, 0);
});
