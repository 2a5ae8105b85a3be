/**
 * Erosion and dilation by a radius in mm (the shell-started, radius-capped transform or ball stamping, whichever
 * is cheaper) equal a plain threshold of the exact distance transform from every voxel, on random blobs at
 * anisotropic spacing, for radii that take either path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dilateMm, erodeMm } from '../../engine/common/edit/distanceMorphology.js';
import { squaredDistanceTransform } from '../../engine/common/distance-transform.js';
import { mulberry32 } from '../../engine/common/rng.js';

const SIZE = [30, 26, 18] as const;
const SPACING = [0.7, 0.9, 1.3] as const;

function blobs(seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const m = new Uint8Array(SIZE[0] * SIZE[1] * SIZE[2]);
  for (let n = 0; n < 6; n++) {
    const c = SIZE.map((s) => rnd() * s);
    const r = 2 + rnd() * 6;
    let p = 0;
    for (let k = 0; k < SIZE[2]; k++)
      for (let j = 0; j < SIZE[1]; j++)
        for (let i = 0; i < SIZE[0]; i++, p++) if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + ((k - c[2]) * 1.5) ** 2 <= r * r) m[p] = 1;
  }
  return m;
}

function plain(member: Uint8Array, radiusMm: number, erode: boolean): Uint8Array {
  const limit = radiusMm * radiusMm * (1 + 1e-9);
  const d2 = squaredDistanceTransform(erode ? member.map((v) => 1 - v) : member, SIZE, SPACING);
  return member.map((v, p) => (erode ? (v === 1 && d2[p] > limit ? 1 : 0) : d2[p] <= limit ? 1 : 0));
}

test('dilation and erosion equal the plain distance-transform threshold, small and large radii', () => {
  for (const seed of [1, 2, 3]) {
    const member = blobs(seed);
    for (const radius of [1.03, 2.17, 3.61, 7.93]) {
      assert.deepEqual(dilateMm(member, SIZE, SPACING, radius), plain(member, radius, false), `dilate seed ${seed} r ${radius}`);
      assert.deepEqual(erodeMm(member, SIZE, SPACING, radius), plain(member, radius, true), `erode seed ${seed} r ${radius}`);
    }
  }
});
