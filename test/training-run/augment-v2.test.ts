/**
 * Augmentation for unseen scanners and patients (bundled model v2): each transform does what its plan option
 * says, on small patches with answers that can be checked by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/common/rng.js';
import { STUDY_PLAN } from '../../engine/common/train-plan/defaults.js';
import { applyAppearance, drawAppearance, gaussianBlur3 } from '../../engine/training/data/augment-appearance.js';
import { applyLesions, drawLesions } from '../../engine/training/data/synthetic-lesions.js';
import { applyDeform, drawDeform } from '../../engine/training/data/augment-deform.js';
import type { Size3 } from '../../engine/training/data/config.js';

// The study plan has every v2 augmentation switched off: each test switches on the one it shows.
const NO_APPEARANCE = STUDY_PLAN.augment.appearance;
const NO_LESIONS = STUDY_PLAN.augment.lesions;
const NO_DEFORM = STUDY_PLAN.augment.deform;

const size: Size3 = [16, 16, 8];
const n = size[0] * size[1] * size[2];
const idx = (x: number, y: number, z: number) => x + size[0] * (y + size[1] * z);

/** A patch: image 0.3 outside, 0.6 in a 10×10×6 "liver" box (label 1) at (3..12, 3..12, 1..6). */
function liverPatch() {
  const image = new Float32Array(n).fill(0.3);
  const label = new Uint8Array(n);
  for (let z = 1; z <= 6; z++)
    for (let y = 3; y <= 12; y++)
      for (let x = 3; x <= 12; x++) {
        image[idx(x, y, z)] = 0.6;
        label[idx(x, y, z)] = 1;
      }
  return { image, label, size };
}

test('with every appearance option off the draw changes nothing', () => {
  const p = liverPatch();
  const before = p.image.slice();
  applyAppearance(p.image, p.label, size, drawAppearance(new Rng(1), NO_APPEARANCE), new Rng(2));
  assert.deepEqual(p.image, before);
});

test('contrast phase shifts exactly the liver voxels by the drawn amount and nothing else', () => {
  const p = liverPatch();
  const d = drawAppearance(new Rng(3), { ...NO_APPEARANCE, contrastPhaseProb: 1, contrastShift: 0.1 });
  assert.ok(Math.abs(d.contrastShift) > 0 && Math.abs(d.contrastShift) <= 0.1);
  applyAppearance(p.image, p.label, size, d, new Rng(4));
  assert.ok(Math.abs(p.image[idx(5, 5, 3)] - (0.6 + d.contrastShift)) < 1e-6);
  assert.equal(p.image[idx(0, 0, 0)], Math.fround(0.3));
});

test('gamma keeps 0 and 1 fixed and maps 0.25 to 0.25^γ', () => {
  const image = Float32Array.from([0, 0.25, 1]);
  const d = { gamma: 2, noiseSigma: 0, blurSigma: 0, contrastShift: 0 };
  applyAppearance(image, new Uint8Array(3), [3, 1, 1], d, new Rng(0));
  assert.deepEqual(Array.from(image), [0, 0.0625, 1]);
});

test('noise adds zero-mean Gaussian noise of the drawn σ', () => {
  const image = new Float32Array(20000).fill(0.5);
  applyAppearance(
    image,
    new Uint8Array(image.length),
    [20000, 1, 1],
    { gamma: 1, noiseSigma: 0.05, blurSigma: 0, contrastShift: 0 },
    new Rng(5),
  );
  const mean = image.reduce((a, v) => a + v, 0) / image.length;
  const sd = Math.sqrt(image.reduce((a, v) => a + (v - mean) ** 2, 0) / image.length);
  assert.ok(Math.abs(mean - 0.5) < 0.002, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.05) < 0.002, `sd ${sd}`);
});

test('low dose draws at least twice the ordinary noise and a blur', () => {
  const d = drawAppearance(new Rng(6), { ...NO_APPEARANCE, noiseSigma: 0.02, lowDoseProb: 1 });
  assert.ok(d.noiseSigma >= 0.04 && d.noiseSigma <= 0.06, `σ ${d.noiseSigma}`);
  assert.ok(d.blurSigma >= 0.6);
});

test('blur spreads a single bright voxel symmetrically and keeps its total inside the volume', () => {
  const s: Size3 = [15, 15, 15];
  const image = new Float32Array(15 ** 3);
  const c = 7 + 15 * (7 + 15 * 7);
  image[c] = 1;
  gaussianBlur3(image, s, 1);
  const total = image.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(total - 1) < 1e-4, `total ${total}`);
  assert.ok(image[c] < 0.1 && image[c] > 0.05, `centre ${image[c]}`);
  assert.ok(Math.abs(image[c + 1] - image[c - 1]) < 1e-7 && Math.abs(image[c + 15] - image[c - 225]) < 1e-7);
});

test('synthetic lesions change only liver voxels, leave the label as liver, and darken the liver when hypodense', () => {
  const p = liverPatch();
  const before = p.image.slice();
  const labelBefore = p.label.slice();
  const cfg = { ...NO_LESIONS, lesionProb: 1, lesionMaxCount: 2, lesionRadius: [2, 3] as [number, number], lesionHypoShare: 1 };
  const lesions = drawLesions(new Rng(7), p.label, size, cfg);
  assert.ok(lesions.length >= 1 && lesions.every((l) => l.offset < 0));
  for (const l of lesions) assert.equal(p.label[idx(...l.center)], 1, 'a lesion is centred inside the liver');
  const changed = applyLesions(p.image, p.label, size, lesions, new Rng(8));
  assert.ok(changed > 0);
  assert.deepEqual(p.label, labelBefore);
  let liverSumBefore = 0;
  let liverSumAfter = 0;
  for (let i = 0; i < n; i++) {
    if (p.label[i] === 0) assert.equal(p.image[i], before[i], 'background voxels never change');
    else {
      liverSumBefore += before[i];
      liverSumAfter += p.image[i];
    }
  }
  assert.ok(liverSumAfter < liverSumBefore);
});

test('no lesion is drawn in a patch without liver', () => {
  const empty = new Uint8Array(n);
  assert.deepEqual(drawLesions(new Rng(9), empty, size, { ...NO_LESIONS, lesionProb: 1 }), []);
});

test('an elastic draw of zero displacement is the identity; a real one moves the liver but keeps labels binary', () => {
  const p = liverPatch();
  const zero = { elastic: new Float32Array(4 ** 3 * 3), grid: 4, thickSlice: 1, fovCut: null };
  const same = applyDeform(p, zero, 0);
  assert.deepEqual(same.label, p.label);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(same.image[i] - p.image[i]) < 1e-6);
  const d = drawDeform(new Rng(10), { ...NO_DEFORM, elasticProb: 1, elasticMagnitude: 2 }, size);
  const warped = applyDeform(liverPatch(), d, 0);
  assert.notDeepEqual(warped.label, p.label);
  assert.ok(warped.label.every((v) => v === 0 || v === 1));
});

test('thick slices average each z-slice with its neighbours: one bright slice spreads to the slices beside it', () => {
  const s: Size3 = [2, 2, 7];
  const image = new Float32Array(28);
  image.fill(1, 12, 16); // z = 3
  const out = applyDeform({ image, label: new Uint8Array(28), size: s }, { elastic: null, grid: 4, thickSlice: 3, fovCut: null }, 0);
  assert.deepEqual(
    Array.from({ length: 7 }, (_, z) => Number(out.image[4 * z].toFixed(4))),
    [0, 0, 0.3333, 0.3333, 0.3333, 0, 0],
  );
});

test('a field-of-view cut pads one side band of the image and clears its label', () => {
  const p = liverPatch();
  const out = applyDeform(p, { elastic: null, grid: 4, thickSlice: 1, fovCut: { axis: 0, side: 1, width: 6 } }, -1);
  assert.equal(out.image[idx(15, 5, 3)], -1);
  assert.equal(out.label[idx(10, 5, 3)], 0);
  assert.equal(out.label[idx(9, 5, 3)], 1);
});

test('the v2 liver recipe resolves to a complete plan: appearance and lesions on, deformation off (see its README)', async () => {
  const { loadPlanFile } = await import('../../engine/training/plan/load.js');
  const { packageRoot } = await import('../../engine/paths.js');
  const { join } = await import('node:path');
  const plan = await loadPlanFile(join(packageRoot(), 'assets', 'models', 'recipes', 'liver-v2', 'plan.json'));
  assert.deepEqual(plan.network.channels, [8, 16, 32, 64, 128], 'inherits the v1 recipe');
  assert.deepEqual(plan.augment.flipProb, [0, 0, 0]);
  assert.ok(plan.augment.appearance.contrastPhaseProb > 0 && plan.augment.lesions.lesionProb > 0);
  const { elasticProb, thickSliceProb, fovCutProb } = plan.augment.deform;
  assert.deepEqual([elasticProb, thickSliceProb, fovCutProb], [0, 0, 0]);
  assert.equal(plan.schedule.kind, 'warmup_cosine');
});
