/**
 * The coarse stage by spacing: the coarse model runs by sliding window on the volume's extent at its own spacing
 * (not a fixed 128³ that would stretch a short scan), and the fine model's ROI is the box of the coarse model's
 * largest component, so a stray bright spot far from the organ does not widen the ROI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeVolume } from '../../engine/common/volume.js';
import { gridAtSpacing } from '../../engine/common/resize.js';
import { loadModelPackage, writeModelPackage } from '../../engine/models/package.js';
import { parseModelCard, type ModelCardInput } from '../../engine/models/card.js';
import { segmentVolume } from '../../engine/inference/segment.js';
import { tempDir, thresholdCard, thresholdOnnx } from './threshold-model.js';

const DIMS: [number, number, number] = [60, 60, 40];

/** 2 mm voxels: a 14-voxel bright cube (the organ) and a 4-voxel bright speck 20 voxels away from it. */
function phantom() {
  const data = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]).fill(-1000);
  const put = (x0: number, y0: number, z0: number, n: number) => {
    for (let z = z0; z < z0 + n; z++)
      for (let y = y0; y < y0 + n; y++) for (let x = x0; x < x0 + n; x++) data[x + DIMS[0] * (y + DIMS[1] * z)] = 400;
  };
  put(6, 6, 6, 14);
  put(46, 46, 30, 4);
  const affine = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];
  return { vol: makeVolume(data, DIMS, affine), organ: 14 ** 3, speck: 4 ** 3 };
}

async function twoStage(largestComponent: boolean) {
  const card: ModelCardInput = {
    ...thresholdCard({ targetSpacing: [2, 2, 2], patch: [32, 32, 32] }),
    coarse: {
      model: 'coarse.onnx',
      spacing: [4, 4, 4],
      patch: [16, 16, 16],
      margin: 2,
      activation: 'none',
      threshold: 0.5,
      largestComponent,
    },
  };
  const dir = await writeModelPackage(
    join(tempDir('coarse-spacing'), 'pkg'),
    card,
    thresholdOnnx({ sigmoidInGraph: true }),
    thresholdOnnx({ sigmoidInGraph: true }),
  );
  return segmentVolume(phantom().vol, await loadModelPackage(dir), { device: 'cpu' });
}

const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

test('gridAtSpacing keeps the extent between outermost voxel centres at about the new spacing', () => {
  assert.deepEqual(gridAtSpacing([60, 60, 40], [2, 2, 2], [4, 4, 4]), [31, 31, 21]);
  assert.deepEqual(gridAtSpacing([512, 512, 20], [0.8, 0.8, 2], [3, 3, 3]), [137, 137, 14]);
  assert.deepEqual(gridAtSpacing([1, 5, 5], [1, 1, 1], [10, 10, 10]), [1, 1, 1]);
});

test('a coarse stage by spacing finds the ROI by sliding window, and its largest component keeps a far speck out', async () => {
  const { organ, speck } = phantom();
  const lean = await twoStage(true);
  assert.equal(count(lean.labels.data), organ, 'the organ only: the speck lies outside the ROI');
  const wide = await twoStage(false);
  assert.equal(count(wide.labels.data), organ + speck, 'without largestComponent the box spans both');
  assert.ok(lean.windows < wide.windows, `${lean.windows} windows vs ${wide.windows}`);
});

test('a coarse stage gives exactly one of resizeTo and spacing, and spacing comes with a patch', () => {
  const base = { ...thresholdCard(), coarse: { model: 'coarse.onnx' } };
  const bad = (coarse: object) => assert.throws(() => parseModelCard({ ...base, coarse: { model: 'coarse.onnx', ...coarse } }, 'card'));
  bad({});
  bad({ resizeTo: [128, 128, 128], spacing: [3, 3, 3], patch: [64, 64, 16] });
  bad({ spacing: [3, 3, 3] });
  assert.ok(
    parseModelCard({ ...base, coarse: { model: 'coarse.onnx', spacing: [3, 3, 3], patch: [64, 64, 16] } }, 'card').coarse?.largestComponent,
  );
});
