import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareMasks } from '../../engine/common/metrics/segmentation-metrics.js';
import { spacingOf } from '../../engine/common/affine.js';
import { readNifti } from '../../engine/io/nifti.js';
import { sharedData } from '../helpers/data.js';
import { box, type Dims } from './box-mask.js';

function ball(dims: Dims, spacing: Dims, radiusMm: number): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const c = dims.map((d) => (d - 1) / 2);
  for (let k = 0, n = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++, n++) {
        const r2 = ((i - c[0]) * spacing[0]) ** 2 + ((j - c[1]) * spacing[1]) ** 2 + ((k - c[2]) * spacing[2]) ** 2;
        m[n] = r2 <= radiusMm * radiusMm ? 1 : 0;
      }
    }
  }
  return m;
}

const close = (got: number | null, want: number, tol: number, what: string) =>
  assert.ok(got !== null && Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);

test('10³ cubes offset by 2 voxels (1 mm): Dice 0.8, IoU 2/3, HD95 2 mm, ASSD 336/488 mm, NSD(1 mm) by surfel area (hand-counted)', () => {
  // Per direction, of the 488 boundary voxels: 288 lie on the other boundary (0 mm), 64 at 1 mm, 136 at 2 mm
  // (the x=2 face: min(2, distance to a y/z face); the x=10 slab ring at 1; the x=11 face and ring at 2).
  // NSD weighs surfels by area (surface-dice.test.ts): per mask the side rings 1..9 cubes from the trailing face
  // (36 + 2√2 mm² each), 32 of the 81 leading-face surfels (≤ 1 mm from a side) and its rim (18√2 + √3/2) count.
  const dims: Dims = [14, 12, 12];
  const ref = box(dims, [1, 1, 1], [10, 10, 10]);
  const pred = box(dims, [3, 1, 1], [10, 10, 10]);
  const m = compareMasks(pred, ref, dims, [1, 1, 1], { nsdToleranceMm: 1 });
  close(m.dice, 0.8, 1e-12, 'dice');
  close(m.iou, 2 / 3, 1e-12, 'iou');
  close(m.hd95Mm, 2, 1e-6, 'hd95');
  close(m.assdMm, 336 / 488, 1e-6, 'assd');
  close(m.nsd, (356 + 36 * Math.SQRT2 + Math.sqrt(3) / 2) / (486 + 54 * Math.SQRT2 + Math.sqrt(3)), 1e-9, 'nsd');
  assert.equal(compareMasks(pred, ref, dims, [1, 1, 1], { nsdToleranceMm: 2 }).nsd, 1);
  assert.equal(m.empty, 'none');
});

test('anisotropic 0.5×0.5×3 mm: cubes offset by one slice give HD95 3 mm, ASSD 360/488 mm, area-weighted NSD(2 mm), 0.75 mL each', () => {
  // Per direction: the 100 voxels of the far face lie 3 mm from the other mask; the 64 inside the near face
  // lie 0.5·min(x', y') mm from a side face (28×0.5 + 20×1 + 12×1.5 + 4×2 = 60 mm); the 324 ring voxels 0 mm.
  const dims: Dims = [12, 12, 13];
  const ref = box(dims, [1, 1, 1], [10, 10, 10]);
  const pred = box(dims, [1, 1, 2], [10, 10, 10]);
  const m = compareMasks(pred, ref, dims, [0.5, 0.5, 3]);
  close(m.dice, 0.9, 1e-12, 'dice');
  close(m.hd95Mm, 3, 1e-6, 'hd95');
  close(m.assdMm, 360 / 488, 1e-6, 'assd');
  // Surfel areas on this grid: z face 0.25, x/y face 1.5, edge along z 3·√0.5/2, edge along x/y 0.5·√9.25/2,
  // corner √4.5625/8 mm². Per mask, only the trailing z plane (3 mm away: 81 faces, 36 edges, 4 corners) and the
  // centre surfel of the leading face (2.5 mm from every side) lie beyond 2 mm.
  const [ez, exy, corner] = [(3 * Math.sqrt(0.5)) / 2, (0.5 * Math.sqrt(9.25)) / 2, Math.sqrt(4.5625) / 8];
  const area = 162 * 0.25 + 324 * 1.5 + 36 * ez + 72 * exy + 8 * corner;
  close(m.nsd, (area - 81 * 0.25 - 36 * exy - 4 * corner - 0.25) / area, 1e-9, 'nsd');
  close(m.predictionMl, 0.75, 1e-12, 'volume');
  close(m.volumeDifferenceMl, 0, 1e-12, 'volume difference');
});

test('concentric spheres of 10 and 12 mm on a 0.7×0.7×2 mm grid: volumes, Dice and distances near their continuous values', () => {
  const dims: Dims = [45, 45, 17];
  const spacing: Dims = [0.7, 0.7, 2];
  const m = compareMasks(ball(dims, spacing, 12), ball(dims, spacing, 10), dims, spacing);
  const v10 = ((4 / 3) * Math.PI * 1000) / 1000;
  const v12 = ((4 / 3) * Math.PI * 1728) / 1000;
  close(m.referenceMl, v10, 0.03 * v10, 'reference volume');
  close(m.predictionMl, v12, 0.03 * v12, 'prediction volume');
  close(m.dice, (2 * v10) / (v10 + v12), 0.02, 'dice');
  // Surfaces 2 mm apart; voxel-centre boundaries on a 2 mm-thick slice grid are off by up to a slice.
  close(m.assdMm, 2, 0.5, 'assd');
  close(m.hd95Mm, 2.5, 1, 'hd95');
});

test('empty masks: both empty is a perfect match, one empty gives Dice 0, NSD 0 and no distances', () => {
  const dims: Dims = [4, 4, 4];
  const none = new Uint8Array(64);
  const some = box(dims, [1, 1, 1], [2, 2, 2]);
  assert.deepEqual(
    [compareMasks(none, none, dims, [1, 1, 1])].map(({ dice, iou, hd95Mm, assdMm, nsd, empty }) => ({
      dice,
      iou,
      hd95Mm,
      assdMm,
      nsd,
      empty,
    })),
    [{ dice: 1, iou: 1, hd95Mm: 0, assdMm: 0, nsd: 1, empty: 'both' }],
  );
  const missed = compareMasks(none, some, dims, [1, 1, 1]);
  assert.deepEqual([missed.dice, missed.nsd, missed.hd95Mm, missed.assdMm, missed.empty], [0, 0, null, null, 'prediction']);
  close(missed.volumeDifferenceMl, -0.008, 1e-12, 'volume difference');
  assert.equal(compareMasks(some, none, dims, [1, 1, 1]).empty, 'reference');
  assert.throws(() => compareMasks(none, new Uint8Array(8), dims, [1, 1, 1]), /64 and reference 8/);
});

test('compares only the given label value: other labels in either mask are background', () => {
  const dims: Dims = [6, 6, 6];
  const ref = box(dims, [1, 1, 1], [3, 3, 3]);
  const pred = Uint8Array.from(ref, (v) => (v ? 2 : 1));
  assert.equal(compareMasks(pred, ref, dims, [1, 1, 1], { value: 2 }).empty, 'reference');
  assert.equal(
    compareMasks(
      Uint8Array.from(ref, (v) => v * 2),
      Uint8Array.from(ref, (v) => v * 2),
      dims,
      [1, 1, 1],
      { value: 2 },
    ).dice,
    1,
  );
});

// Expected values from test/metrics/scipy_crosscheck.py (scipy.ndimage, MONAI's definitions; numpy DeepMind NSD), run on these files.
test('real labels of patient A (TotalSegmentator --fast vs --ml liver, 3 mm) match an independent scipy computation', async () => {
  const fast = await readNifti(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'));
  const full = await readNifti(sharedData('totalsegmentator/example_seg.nii.gz'));
  const m = compareMasks(
    Uint8Array.from(fast.data, (v) => (v === 1 ? 5 : 0)),
    full.data as Uint8Array,
    fast.dims,
    spacingOf(fast.affine),
    { value: 5 },
  );
  close(m.dice, 0.9813551497743127, 1e-12, 'dice');
  close(m.iou, 0.9633928346635111, 1e-12, 'iou');
  close(m.hd95Mm, 3.0, 1e-5, 'hd95');
  close(m.assdMm, 0.5374281609476037, 1e-5, 'assd');
  close(m.nsd, 0.9275438932098184, 1e-9, 'nsd');
  assert.deepEqual([m.predictionVoxels, m.referenceVoxels], [39350, 38634]);
  close(m.referenceMl, 38634 * 0.027, 1e-9, 'reference mL');
});

test('real anisotropic labels (0.98×0.98×2 mm, liver shifted by (3, −2, 1) voxels) match the scipy computation', async () => {
  const seg = await readNifti(sharedData('totalsegmentator/example_seg_dicom.nii.gz'));
  const [nx, ny, nz] = seg.dims;
  const ref = seg.data as Uint8Array;
  const pred = new Uint8Array(ref.length);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const [a, b, c] = [i - 3, j + 2, k - 1];
        if (a >= 0 && b < ny && c >= 0) pred[i + nx * (j + ny * k)] = ref[a + nx * (b + ny * c)];
      }
    }
  }
  const m = compareMasks(pred, ref, seg.dims, spacingOf(seg.affine), { value: 5 });
  close(m.dice, 0.9350189095449112, 1e-12, 'dice');
  close(m.hd95Mm, 2.9296875, 1e-5, 'hd95');
  close(m.assdMm, 1.1858264461081844, 1e-5, 'assd');
  close(m.nsd, 0.8511316240949864, 1e-9, 'nsd');
});
