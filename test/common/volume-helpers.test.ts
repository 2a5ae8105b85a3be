/** The pure volume helpers of engine/common: affines, orientation, resampling, crop/pad, boxes and label counts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  affinesEqual,
  gridsEqual,
  invertAffine,
  multiplyAffines,
  spacingOf,
  voxelToWorld,
  worldToVoxel,
} from '../../engine/common/affine.js';
import { orientationCodes, reorient } from '../../engine/common/orientation.js';
import { resampleImageToGrid } from '../../engine/common/resample.js';
import { nearestInto } from '../../engine/common/trilinear.js';
import { nonZeroBox } from '../../engine/common/box.js';
import { cropOrPad, labelCounts } from '../../engine/common/crop.js';
import { makeVolume, type Volume } from '../../engine/common/volume.js';

const LAS = Float64Array.from([-2, 0, 0, 10, 0, 3, 0, -5, 0, 0, 4, 7, 0, 0, 0, 1]);

function ramp(dims: [number, number, number], affine: ArrayLike<number>): Volume<Int16Array> {
  const d = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0, p = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) d[p++] = i + 10 * j + 100 * k;
  return makeVolume(d, dims, affine);
}

test('affine helpers: spacing, voxel↔world, inverse and product agree with hand values', () => {
  assert.deepEqual(spacingOf(LAS), [2, 3, 4]);
  assert.deepEqual(voxelToWorld(LAS, [1, 2, 3]), [8, 1, 19]);
  assert.deepEqual(
    worldToVoxel(LAS, [8, 1, 19]).map((v) => Math.round(v * 1e9) / 1e9),
    [1, 2, 3],
  );
  assert.ok(affinesEqual(multiplyAffines(LAS, invertAffine(LAS)), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-12));
  assert.ok(!affinesEqual(LAS, multiplyAffines(LAS, [1, 0, 0, 0.001, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])));
  assert.ok(gridsEqual({ dims: [2, 2, 2], affine: LAS }, { dims: [2, 2, 2], affine: LAS.slice() }));
  assert.ok(!gridsEqual({ dims: [2, 2, 2], affine: LAS }, { dims: [2, 2, 3], affine: LAS }));
  assert.throws(() => invertAffine([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), RangeError);
});

test('orientation codes follow nibabel aff2axcodes, including permuted and oblique affines', () => {
  assert.equal(orientationCodes(LAS), 'LAS');
  assert.equal(orientationCodes([-1.5, 0, 0, 0, 0, -1.5, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 1]), 'LPS');
  assert.equal(orientationCodes([0, 0, 1, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), 'PSR');
  const c = Math.cos(0.3),
    s = Math.sin(0.3); // 17° about x: still closest to LAS
  assert.equal(orientationCodes([-2, 0, 0, 0, 0, 2 * c, -2 * s, 0, 0, 2 * s, 2 * c, 0, 0, 0, 0, 1]), 'LAS');
});

test('reorient to RAS flips/permutes voxels and keeps each voxel at its world position', () => {
  const vol = ramp([3, 4, 5], [0, 0, -2, 1, 3, 0, 0, 2, 0, -4, 0, 3, 0, 0, 0, 1]); // axes: A, I, L → 'AIL'
  assert.equal(orientationCodes(vol.affine), 'AIL');
  const can = reorient(vol, 'RAS');
  assert.equal(orientationCodes(can.affine), 'RAS');
  assert.deepEqual(can.dims, [5, 3, 4]);
  for (const [i, j, k] of [
    [0, 0, 0],
    [2, 3, 4],
    [1, 2, 3],
    [0, 3, 1],
  ]) {
    const w = voxelToWorld(vol.affine, [i, j, k]);
    const c = worldToVoxel(can.affine, w).map((v) => Math.round(v));
    assert.equal(can.data[c[0] + 5 * (c[1] + 3 * c[2])], vol.data[i + 3 * (j + 4 * k)]);
    assert.deepEqual(
      voxelToWorld(can.affine, c).map((v) => Math.round(v * 1e9) / 1e9),
      w,
    );
  }
  const lps = reorient(can, 'LPS');
  assert.equal(orientationCodes(lps.affine), 'LPS');
  assert.deepEqual([...reorient(lps, 'AIL').data], [...vol.data]);
});

test('trilinear resampling of a linear ramp is exact at interior points and fills outside', () => {
  const vol = ramp([4, 4, 4], [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
  // target: 1 mm grid starting at world 1 mm = source voxel 0.5
  const out = resampleImageToGrid(vol, [3, 2, 8], [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1], { fill: -7 });
  assert.ok(Math.abs(out.data[0] - (0.5 + 5 + 50)) < 1e-4);
  assert.ok(Math.abs(out.data[2 + 3 * (1 + 2 * 3)] - (1.5 + 10 * 1 + 100 * 2)) < 1e-4);
  assert.equal(out.data[3 * 2 * 7], -7); // z = 8 mm = source voxel 4: beyond the half-voxel edge
  // rotated target uses the general path and agrees with the separable one on the same points
  const permuted = resampleImageToGrid(vol, [2, 3, 2], [0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1]);
  assert.ok(Math.abs(permuted.data[1] - (0.5 + 10 * 1 + 50)) < 1e-4);
  // downsampling along x (short output rows) takes the per-corner path; a ramp stays exact
  const wide = ramp([8, 4, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const down = resampleImageToGrid(wide, [2, 2, 2], [3, 0, 0, 1.5, 0, 1, 0, 0.5, 0, 0, 1, 1.25, 0, 0, 0, 1]);
  assert.ok(Math.abs(down.data[1 + 2 * (1 + 2 * 1)] - (4.5 + 15 + 225)) < 1e-3, String(down.data[7]));
  const c = Math.cos(0.2),
    s = Math.sin(0.2);
  const rot = resampleImageToGrid(vol, [1, 1, 1], [c, -s, 0, 3, s, c, 0, 3, 0, 0, 1, 3, 0, 0, 0, 1]);
  assert.ok(Math.abs(rot.data[0] - (1.5 + 15 + 150)) < 1e-4);
});

test('nearest-neighbour label resampling copies values exactly between grids', () => {
  const labels = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
  const up = makeVolume(new Uint8Array(64), [4, 4, 4], LAS);
  nearestInto(labels, [2, 2, 2], up.dims, [0.5, 0, 0, -0.25, 0, 0.5, 0, -0.25, 0, 0, 0.5, -0.25, 0, 0, 0, 1], up.data);
  assert.equal(up.data[0], 0);
  assert.equal(up.data[3 + 4 * (3 + 4 * 3)], 7);
  assert.equal(up.data[2 + 4 * (0 + 4 * 0)], 1);
  assert.deepEqual(
    [...labelCounts(up).entries()],
    [0, 1, 2, 3, 4, 5, 6, 7].map((v) => [v, 8]),
  );
  const flipped = new Uint8Array(8);
  nearestInto(labels, [2, 2, 2], [2, 2, 2], [-1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], flipped);
  assert.deepEqual([...flipped], [1, 0, 3, 2, 5, 4, 7, 6]);
  // a rotated map takes the general path: a quarter turn about z moves (1, 0, 0) to (0, 1, 0)
  const turned = new Uint8Array(8);
  nearestInto(labels, [2, 2, 2], [2, 2, 2], [0.3, 1, 0, 0, -1, 0.3, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1], turned);
  assert.equal(turned[0], labels[0 + 2 * 1]);
});

test('cropOrPad crops, pads with fill and keeps world positions', () => {
  const vol = ramp([4, 3, 2], LAS);
  const c = cropOrPad(vol, [-1, 1, 0], [3, 3, 3], -1);
  assert.deepEqual(c.dims, [3, 3, 3]);
  assert.equal(c.data[0], -1); // i = -1 is padding
  assert.equal(c.data[1], vol.data[0 + 4 * 1]);
  assert.equal(c.data[2 + 3 * (1 + 3 * 1)], vol.data[1 + 4 * (2 + 3 * 1)]);
  assert.equal(c.data[3 * 3 * 2 + 1], -1); // k = 2 is beyond the volume
  assert.deepEqual(voxelToWorld(c.affine, [1, 0, 0]), voxelToWorld(vol.affine, [0, 1, 0]));
});

test('nonZeroBox is the inclusive box of every non-zero voxel; labelCounts counts each value', () => {
  const l = makeVolume(new Uint8Array(5 * 4 * 3), [5, 4, 3], LAS);
  assert.equal(nonZeroBox(l.data, l.dims), null);
  l.data[1 + 5 * (2 + 4 * 0)] = 1;
  l.data[3 + 5 * (1 + 4 * 2)] = 2;
  assert.deepEqual(nonZeroBox(l.data, l.dims), { min: [1, 1, 0], max: [3, 2, 2] });
  assert.deepEqual(
    [...labelCounts(l)],
    [
      [0, 58],
      [1, 1],
      [2, 1],
    ],
  );
});
