import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lpsToIjk, rasAffineToLps } from '../../renderer/src/viewer/geometry.js';
import { voxelVolumeMm3 } from '../../engine/common/voxel-volume.js';

test('a RAS diagonal affine maps to LPS origin, spacing and direction rows', () => {
  const g = rasAffineToLps([3, 0, 0, 10, 0, 3, 0, 20, 0, 0, 2, 30, 0, 0, 0, 1]);
  assert.deepEqual(g.origin, [-10, -20, 30]);
  assert.deepEqual(g.spacing, [3, 3, 2]);
  assert.deepEqual(g.direction, [-1, 0, 0, 0, -1, 0, 0, 0, 1]);
});

test('an LAS affine (negative i step) gives +x direction in LPS and round-trips through lpsToIjk', () => {
  const affine = [-0.5, 0, 0, 100, 0, 0.5, 0, -50, 0, 0, 2, 7, 0, 0, 0, 1];
  const g = rasAffineToLps(affine);
  assert.deepEqual(g.direction.slice(0, 3), [1, 0, 0]);
  // voxel (4, 6, 3) → RAS (98, -47, 13) → LPS (-98, 47, 13)
  const ijk = lpsToIjk(g, [-98, 47, 13]);
  ijk.forEach((v, a) => assert.ok(Math.abs(v - [4, 6, 3][a]) < 1e-9));
  assert.equal(voxelVolumeMm3(affine), 0.5);
});

test('a degenerate affine is refused', () => {
  assert.throws(() => rasAffineToLps([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), /degenerate/);
});
