/** The fast non-zero bounding box (four voxels per step) equals the plain per-voxel scan, on any row width. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nonZeroBounds } from '../../engine/common/edit/grid.js';
import { boundsWhere } from '../../engine/common/box.js';
import { mulberry32 } from '../../engine/common/rng.js';

test('nonZeroBounds equals boundsWhere(v ≠ 0) on sparse random labelmaps, aligned rows or not, empty or not', () => {
  const rnd = mulberry32(7);
  for (const dims of [
    [32, 20, 9],
    [33, 17, 5],
    [8, 3, 2],
  ] as const) {
    for (const voxels of [0, 1, 3, 40]) {
      const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let n = 0; n < voxels; n++) labels[Math.floor(rnd() * labels.length)] = 1 + Math.floor(rnd() * 200);
      assert.deepEqual(
        nonZeroBounds(labels, dims),
        boundsWhere(labels, dims, (v) => v !== 0),
        `${dims} with ${voxels} voxels`,
      );
    }
  }
});
