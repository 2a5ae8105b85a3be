/** Segment statistics against shapes whose volume, surface and intensity are known by hand. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { segmentStats, statsTable } from '../../renderer/src/viewer/segmentStats.js';
import { rasAffineToLps } from '../../renderer/src/viewer/geometry.js';

describe('segment statistics', () => {
  it('a 2×3×4 box of value 2 at 1×2×3 mm: volume, HU mean/SD/min/max and extent are exact', () => {
    const dims = [6, 6, 6];
    const labels = new Uint8Array(216);
    const image = new Int16Array(216).fill(-1000);
    let n = 0;
    for (let k = 1; k < 5; k++)
      for (let j = 2; j < 5; j++)
        for (let i = 0; i < 2; i++) {
          const p = i + 6 * (j + 6 * k);
          labels[p] = 2;
          image[p] = n++ % 2 ? 50 : 30; // mean 40, SD 10
        }
    const geometry = rasAffineToLps([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]);
    const [s] = segmentStats(labels, image, dims, geometry);
    assert.equal(s.value, 2);
    assert.equal(s.voxels, 24);
    assert.equal(s.volumeMl, (24 * 6) / 1000);
    assert.deepEqual([s.mean, s.sd, s.min, s.max], [40, 10, 30, 50]);
    assert.deepEqual(s.extentMm, { rl: 2, ap: 6, si: 12 });
    // Box faces: 2 × (2·1 × 3·2 + 2·1 × 4·3 + 3·2 × 4·3) mm² = 2 × (12 + 24 + 72) = 216 mm², × 2/3.
    assert.ok(Math.abs(s.surfaceCm2 - (216 * 2) / 3 / 100) < 1e-9);
  });

  it('a voxelised sphere of radius 20 voxels: surface within 5 % of 4πr²', () => {
    const n = 48;
    const labels = new Uint8Array(n ** 3);
    const c = (n - 1) / 2;
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          if ((i - c) ** 2 + (j - c) ** 2 + (k - c) ** 2 <= 400) labels[i + n * (j + n * k)] = 1;
        }
    const [s] = segmentStats(labels, new Float32Array(n ** 3), [n, n, n], rasAffineToLps([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]));
    const truth = (4 * Math.PI * 400) / 100;
    assert.ok(Math.abs(s.surfaceCm2 - truth) / truth < 0.05, `${s.surfaceCm2} vs ${truth}`);
  });

  it('the CSV names every column and quotes names with commas', () => {
    const labels = new Uint8Array([1, 0]);
    const rows = segmentStats(labels, new Int16Array([7, 0]), [2, 1, 1], rasAffineToLps([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]));
    const csv = statsTable(rows, () => 'liver, right lobe', ',');
    assert.equal(
      csv.split('\n')[0],
      'label,name,voxels,volume_ml,mean_hu,sd_hu,min_hu,max_hu,surface_cm2,extent_rl_mm,extent_ap_mm,extent_si_mm',
    );
    assert.match(csv.split('\n')[1], /^1,"liver, right lobe",1,0\.00,7\.0,0\.0,7,7,/);
  });
});
