import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../engine/common/rng.js';
import { applyIntensityDraw } from '../../engine/training/data/intensity.js';
import { cropPatch, drawCenter, foregroundIndices, patchStart, roiWithMargin, type CaseArrays } from '../../engine/training/data/patch.js';
import { flipRotate, affinePatch } from '../../engine/training/data/augment.js';
import { PreprocessedCache, cacheKey } from '../../engine/training/data/cache.js';
import { batchAt, samplePatch } from '../../engine/training/data/sampler.js';
import { STUDY_PLAN } from '../../engine/common/train-plan/defaults.js';

function ramp(dims: [number, number, number]): CaseArrays {
  const n = dims[0] * dims[1] * dims[2];
  const image = Float32Array.from({ length: n }, (_, i) => i);
  return { image, label: new Uint8Array(n), dims };
}

test('cropPatch copies the box and pads outside with padValue and label 0', () => {
  const c = ramp([4, 3, 2]);
  c.label[0] = 1;
  const p = cropPatch(c, [-1, 0, 0], [3, 1, 1], -5);
  assert.deepEqual([...p.image], [-5, 0, 1]);
  assert.deepEqual([...p.label], [0, 1, 0]);
  const q = cropPatch(c, [2, 2, 1], [2, 2, 2], 9);
  // (2,2,1) = 2 + 4*(2 + 3*1) = 22, (3,2,1) = 23; y=3 and z=2 are outside
  assert.deepEqual([...q.image], [22, 23, 9, 9, 9, 9, 9, 9]);
});

test('patchStart keeps a patch inside a large volume and centres a small volume', () => {
  assert.deepEqual(patchStart([0, 50, 99], [100, 100, 100], [10, 10, 10]), [0, 45, 90]);
  assert.deepEqual(patchStart([1, 1, 1], [4, 4, 4], [8, 8, 8]), [-2, -2, -2]);
});

test('positive/negative sampling follows the ratio: 1:1 gives about half foreground centres, 1:0 all', () => {
  const c = ramp([20, 20, 20]);
  for (let i = 0; i < 400; i++) c.label[i] = 1; // 5% foreground
  const fg = foregroundIndices(c.label);
  const rng = new Rng(7);
  let pos = 0;
  for (let i = 0; i < 2000; i++) {
    const [x, y, z] = drawCenter(rng, c, fg, [1, 1]);
    if (c.label[x + 20 * (y + 20 * z)] > 0) pos++;
  }
  assert.ok(pos > 900 && pos < 1100, `1:1 gave ${pos}/2000 positive centres`);
  for (let i = 0; i < 100; i++) {
    const [x, y, z] = drawCenter(rng, c, fg, [1, 0]);
    assert.equal(c.label[x + 20 * (y + 20 * z)], 1);
  }
});

test('flips and quarter turns move image and label together', () => {
  const p = { image: Float32Array.from([0, 1, 2, 3, 4, 5]), label: Uint8Array.from([1, 0, 0, 0, 0, 0]), size: [3, 2, 1] as const };
  const fx = flipRotate(p, { flip: [true, false, false], rot90: 0, angle: 0, scale: 1 });
  assert.deepEqual([...fx.image], [2, 1, 0, 5, 4, 3]);
  assert.deepEqual([...fx.label], [0, 0, 1, 0, 0, 0]);
  const r = flipRotate(p, { flip: [false, false, false], rot90: 1, angle: 0, scale: 1 });
  assert.deepEqual(r.size, [2, 3, 1]);
  // (x, y) → (1 - y, x): value at (0,0)=0 goes to (1,0); (2,1)=5 goes to (0,2)
  assert.equal(r.image[1], 0);
  assert.equal(r.image[0 + 2 * 2], 5);
  const r4 = flipRotate(
    flipRotate(flipRotate(r, { flip: [false, false, false], rot90: 1, angle: 0, scale: 1 }), {
      flip: [false, false, false],
      rot90: 1,
      angle: 0,
      scale: 1,
    }),
    { flip: [false, false, false], rot90: 1, angle: 0, scale: 1 },
  );
  assert.deepEqual([...r4.image], [...p.image]);
});

test('the identity affine reproduces the crop; a 90° affine equals a quarter turn', () => {
  const c = ramp([6, 6, 3]);
  const crop = cropPatch(c, [1, 1, 0], [4, 4, 3], 0);
  const same = affinePatch(c, [2.5, 2.5, 1], [4, 4, 3], 0, 1, 0);
  for (let i = 0; i < crop.image.length; i++) assert.ok(Math.abs(crop.image[i] - same.image[i]) < 1e-4);
  const turned = affinePatch(c, [2.5, 2.5, 1], [4, 4, 3], Math.PI / 2, 1, 0);
  const quarter = flipRotate(crop, { flip: [false, false, false], rot90: 3, angle: 0, scale: 1 });
  for (let i = 0; i < crop.image.length; i++) assert.ok(Math.abs(turned.image[i] - quarter.image[i]) < 1e-3, `voxel ${i}`);
});

test('intensity shift/scale applies v(1+s)+t', () => {
  const a = Float32Array.from([0, 0.5, 1]);
  applyIntensityDraw(a, { scale: 0.1, shift: -0.05 });
  assert.deepEqual(
    [...a].map((v) => Math.round(v * 1000) / 1000),
    [-0.05, 0.5, 1.05],
  );
});

test('foreground ROI grows the label box by the margin and clamps to the volume', () => {
  const label = new Uint8Array(10 * 10 * 10);
  label[5 + 10 * (5 + 10 * 5)] = 1;
  assert.deepEqual(roiWithMargin(label, [10, 10, 10], 3), { start: [2, 2, 2], size: [7, 7, 7] });
  assert.deepEqual(roiWithMargin(label, [10, 10, 10], 30), { start: [0, 0, 0], size: [10, 10, 10] });
  assert.equal(roiWithMargin(new Uint8Array(8), [2, 2, 2], 1), undefined);
});

test('the disk cache stores, reloads and keys by content and preprocessing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lobule-cache-'));
  try {
    const cache = new PreprocessedCache(dir, 1);
    const c = ramp([3, 3, 3]);
    c.label[4] = 1;
    const k1 = cacheKey('a'.repeat(64), 'b'.repeat(64), { spacing: [3, 3, 3], clip: [-300, 300] });
    const k2 = cacheKey('a'.repeat(64), 'b'.repeat(64), { clip: [-300, 300], spacing: [3, 3, 2] });
    assert.notEqual(k1, k2);
    assert.equal(k1, cacheKey('a'.repeat(64), 'b'.repeat(64), { clip: [-300, 300], spacing: [3, 3, 3] }));
    let made = 0;
    const got = await cache.getOrCreate(k1, async () => (made++, c));
    await cache.getOrCreate(k1, async () => (made++, c));
    assert.equal(made, 1);
    assert.deepEqual([...got.fg], [4]);
    const fresh = await new PreprocessedCache(dir).load(k1);
    assert.deepEqual([...fresh.image], [...c.image]);
    assert.deepEqual(fresh.dims, [3, 3, 3]);
    assert.ok((await readdir(dir)).every((f) => !f.includes('.tmp-')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the batch of a step is the same whenever it is computed (resume gives the same data)', async () => {
  const c = { ...ramp([16, 16, 16]), fg: new Int32Array([100, 200, 300]) };
  for (const i of c.fg) c.label[i] = 1;
  const source = { count: 2, load: async () => c };
  const aug = {
    ...STUDY_PLAN.augment,
    affineProb: 0.5,
    flipProb: [0.5, 0.5, 0.5] as [number, number, number],
    rot90Prob: 0.5,
    slabProb: 0.3,
  };
  const o = { patch: [8, 8, 8] as const, batch: 3, samplesPerVolume: 4, posNegRatio: [1, 1] as const, augment: aug, padValue: 0, seed: 11 };
  const a = await batchAt(5, source, o);
  await batchAt(2, source, o);
  const b = await batchAt(5, source, o);
  assert.deepEqual(a.shape, [3, 1, 8, 8, 8]);
  assert.deepEqual(a.image, b.image);
  assert.deepEqual(a.label, b.label);
  const other = await batchAt(5, source, { ...o, seed: 12 });
  assert.notDeepEqual(a.image, other.image);
  const p = samplePatch(c, new Rng(3), o);
  assert.equal(p.image.length, 512);
  // With more steps per epoch than cases × samplesPerVolume, every step still gets new patches.
  const long = { ...o, batch: 1, samplesPerVolume: 1, stepsPerEpoch: 10 };
  const seen = new Set<string>();
  for (let s = 0; s < 10; s++) seen.add((await batchAt(s, { count: 1, load: async () => c }, long)).image.slice(0, 64).join(','));
  assert.equal(seen.size, 10);
});
