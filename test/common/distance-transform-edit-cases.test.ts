import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squaredDistanceTransform as squaredDistanceMm } from '../../engine/common/distance-transform.js';

test('squared distance to a single voxel follows the anisotropic spacing (hand-computed points)', () => {
  const size = [5, 5, 5] as const;
  const feature = new Uint8Array(125);
  feature[2 + 5 * (2 + 5 * 2)] = 1;
  const d2 = squaredDistanceMm(feature, size, [1, 1, 2]);
  const at = (i: number, j: number, k: number): number => d2[i + 5 * (j + 5 * k)];
  assert.equal(at(2, 2, 2), 0);
  assert.equal(at(3, 2, 2), 1);
  assert.equal(at(2, 2, 3), 4, 'one slice away is 2 mm');
  assert.equal(at(4, 2, 3), 8, '2 mm in i and 2 mm in k');
  assert.equal(at(0, 0, 0), 4 + 4 + 16);
});

test('the EDT equals a brute-force nearest-feature search on a random grid', () => {
  const size = [7, 6, 5] as const;
  const spacing = [0.7, 1.3, 2.5] as const;
  const n = 7 * 6 * 5;
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const feature = new Uint8Array(n).map(() => (rand() < 0.08 ? 1 : 0));
  const d2 = squaredDistanceMm(feature, size, spacing);
  for (let p = 0; p < n; p++) {
    const [i, j, k] = [p % 7, Math.floor(p / 7) % 6, Math.floor(p / 42)];
    let best = Infinity;
    for (let q = 0; q < n; q++) {
      if (!feature[q]) continue;
      const [a, b, c] = [q % 7, Math.floor(q / 7) % 6, Math.floor(q / 42)];
      best = Math.min(best, ((i - a) * spacing[0]) ** 2 + ((j - b) * spacing[1]) ** 2 + ((k - c) * spacing[2]) ** 2);
    }
    assert.ok(Math.abs(d2[p] - best) < 1e-4 * Math.max(1, best), `voxel ${p}: ${d2[p]} vs ${best}`);
  }
});

test('a grid without any feature voxel stays far everywhere', () => {
  const d2 = squaredDistanceMm(new Uint8Array(8), [2, 2, 2], [1, 1, 1]);
  assert.ok(d2.every((v) => v === Infinity));
});
