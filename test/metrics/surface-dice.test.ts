/** Hand-computed answers for DeepMind's area-weighted normalized surface Dice (engine/common/metrics/surface-dice.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { surfaceDiceAtTolerance, surfelAreaTable, surfels } from '../../engine/common/metrics/surface-dice.js';
import { compareMasks } from '../../engine/common/metrics/segmentation-metrics.js';
import { box, type Dims } from './box-mask.js';

const close = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);

test('a single voxel of sx×sy×sz mm has 8 corner surfels totalling √((sy·sz)² + (sx·sz)² + (sx·sy)²) mm²', () => {
  // Each corner cube holds one triangle through three edge midpoints: cross product (sy·sz, sx·sz, sx·sy)/4, area half its length.
  for (const s of [
    [1, 1, 1],
    [0.5, 0.7, 3],
  ] as Dims[]) {
    const sf = surfels(new Uint8Array([1]), [1, 1, 1], surfelAreaTable(s));
    assert.equal(
      sf.present.reduce((a, v) => a + v, 0),
      8,
    );
    close(sf.totalArea, Math.hypot(s[1] * s[2], s[0] * s[2], s[0] * s[1]), 1e-12, `area at [${s}]`);
  }
});

test('a 10³ mm cube: 486 face surfels of 1 mm², 108 edge surfels of √2/2, 8 corners of √3/8 (total 486 + 54√2 + √3)', () => {
  const sf = surfels(box([10, 10, 10], [0, 0, 0], [10, 10, 10]), [10, 10, 10], surfelAreaTable([1, 1, 1]));
  assert.equal(
    sf.present.reduce((a, v) => a + v, 0),
    11 ** 3 - 9 ** 3,
  );
  close(sf.totalArea, 486 + 54 * Math.SQRT2 + Math.sqrt(3), 1e-9, 'area');
});

test('identical masks have NSD 1, and a cube shifted by 3 mm has NSD(2 mm) (380 + 36√2 + √3/2) / (486 + 54√2 + √3)', () => {
  const dims: Dims = [16, 12, 12];
  const a = box(dims, [1, 1, 1], [10, 10, 10]);
  const b = box(dims, [4, 1, 1], [10, 10, 10]);
  assert.equal(surfaceDiceAtTolerance(a, a, dims, [1, 1, 1], 2), 1);
  // Per mask (mirror-symmetric): the side rings at the 9 shifted-in positions 1..9 voxels from the trailing face lie
  // ≤ 2 mm from the other surface (36 + 2√2 mm² each); the face that ends inside the other cube has 56 of its 81
  // face surfels within 2 mm of the other's sides, plus its 36 edge and 4 corner surfels on them; the face left
  // behind (3 mm away) and its ring count nothing.
  const want = (380 + 36 * Math.SQRT2 + Math.sqrt(3) / 2) / (486 + 54 * Math.SQRT2 + Math.sqrt(3));
  close(surfaceDiceAtTolerance(b, a, dims, [1, 1, 1], 2), want, 1e-9, 'nsd');
  close(compareMasks(b, a, dims, [1, 1, 1]).nsd, want, 1e-9, 'compareMasks nsd (2 mm default)');
  assert.equal(surfaceDiceAtTolerance(b, a, dims, [1, 1, 1], 3), 1);
});

test('a ball of radius 20 or 40 mm has a surfel area 6–11 % above 4πr², the same at both radii (midpoint marching cubes)', () => {
  // Midpoint marching cubes on a binary mask only has facets at a few orientations, so an oblique surface is
  // over-measured by a fixed factor (≈ 9 % averaged over a sphere, as the 2-D analogue's 45° steps): not noise.
  const ratio = (r: number) => {
    const n = 2 * r + 6;
    const m = new Uint8Array(n * n * n);
    const c = (n - 1) / 2 + 0.3;
    for (let k = 0, i = 0; k < n; k++)
      for (let j = 0; j < n; j++) for (let x = 0; x < n; x++, i++) m[i] = (x - c) ** 2 + (j - c) ** 2 + (k - c) ** 2 <= r * r ? 1 : 0;
    return surfels(m, [n, n, n], surfelAreaTable([1, 1, 1])).totalArea / (4 * Math.PI * r * r);
  };
  const [r20, r40] = [ratio(20), ratio(40)];
  close(r20, 1.085, 0.025, 'area ratio at 20 mm');
  close(r40, r20, 0.005, 'area ratio at 40 mm vs 20 mm');
});
