import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squaredDistanceTransform } from '../../engine/common/distance-transform.js';
import { mulberry32 } from '../../engine/common/rng.js';

function bruteForce(
  features: Uint8Array,
  [nx, ny, nz]: readonly [number, number, number],
  s: readonly [number, number, number],
): Float64Array {
  const out = new Float64Array(features.length).fill(Infinity);
  const pts: [number, number, number][] = [];
  for (let k = 0, n = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) if (features[n]) pts.push([i, j, k]);
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        for (const [a, b, c] of pts) out[n] = Math.min(out[n], ((i - a) * s[0]) ** 2 + ((j - b) * s[1]) ** 2 + ((k - c) * s[2]) ** 2);
      }
    }
  }
  return out;
}

test('exact EDT with anisotropic spacing equals brute-force nearest-feature distances on random sparse volumes', () => {
  const rng = mulberry32(7);
  for (const [dims, spacing, density] of [
    [[13, 9, 7], [0.8, 0.8, 2.5], 0.03],
    [[5, 17, 11], [1.5, 0.7, 3], 0.01],
    [[1, 8, 9], [1, 2, 1], 0.1],
  ] as const) {
    const features = new Uint8Array(dims[0] * dims[1] * dims[2]);
    for (let i = 0; i < features.length; i++) features[i] = rng() < density ? 1 : 0;
    features[3] = 1;
    const got = squaredDistanceTransform(features, dims, spacing);
    const want = bruteForce(features, dims, spacing);
    for (let i = 0; i < got.length; i++)
      assert.ok(Math.abs(got[i] - want[i]) < 1e-3 * Math.max(1, want[i]), `voxel ${i}: ${got[i]} vs ${want[i]}`);
  }
});

test('EDT of a volume without features is Infinity everywhere', () => {
  const got = squaredDistanceTransform(new Uint8Array(24), [2, 3, 4], [1, 1, 1]);
  assert.ok(got.every((v) => v === Infinity));
});
