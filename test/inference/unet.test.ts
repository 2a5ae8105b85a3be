/**
 * The study's residual U-Net ([16, 32, 64, 128, 256]), exported to ONNX by the training engine, runs in the
 * inference pipeline: one 96³ window through the sliding window, and a whole CT through segmentVolume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from '../../engine/onnx/ort.js';
import { buildInferenceModel, forwardFlops } from '../../engine/training/export.js';
import { defaultModelSpec } from '../../engine/training/spec.js';
import { initWeights } from '../../engine/training/weights.js';
import { mulberry32 } from '../../engine/common/rng.js';
import { createSession } from '../../engine/onnx/session-factory.js';
import { slidingWindowInference } from '../../engine/inference/sliding-window.js';
import { countForwardFlops } from '../../engine/inference/flops.js';
import { loadModelPackage } from '../../engine/models/package.js';
import { segmentVolume } from '../../engine/inference/segment.js';
import { readNifti } from '../../engine/io/nifti.js';
import { sharedData } from '../helpers/data.js';
import { tempDir } from './threshold-model.js';
import { LobuleError } from '../../engine/errors.js';
import { writeLiverUnetPackage } from '../../tools/samples/unet-package.js';

const spec = defaultModelSpec();
const unet = buildInferenceModel(spec, initWeights(spec, 7));

test('the residual U-Net runs a 96³ window: the sliding window returns exactly its single forward pass', async () => {
  const { session } = await createSession(unet, 'cpu');
  const rnd = mulberry32(11);
  const x = Float32Array.from({ length: 96 ** 3 }, () => rnd());
  const direct = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [1, 1, 96, 96, 96]) }))[session.outputNames[0]];
  assert.deepEqual(direct.dims, [1, 1, 96, 96, 96]);
  const r = await slidingWindowInference(x, [96, 96, 96], session, { patch: [96, 96, 96], overlap: 0.25, gaussian: true });
  assert.equal(r.windows, 1);
  const ref = direct.data as Float32Array;
  let maxErr = 0,
    spread = 0;
  for (let i = 0; i < ref.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(r.channels[0][i] - ref[i]));
    spread = Math.max(spread, Math.abs(ref[i] - ref[0]));
  }
  assert.ok(maxErr < 1e-4, `max difference ${maxErr}`);
  assert.ok(spread > 1e-3, 'the output is not constant');
  await session.release();
});

test('FLOPs counted from the exported graph equal the training engine’s own count', () => {
  for (const patch of [
    [96, 96, 96],
    [32, 64, 128],
  ] as const) {
    const graph = countForwardFlops(unet, [1, 1, ...patch]);
    assert.deepEqual(graph.guessedOps, []);
    assert.equal(graph.flops, forwardFlops(spec, patch));
  }
  assert.ok(countForwardFlops(unet, [1, 1, 96, 96, 96]).flops > 1e11);
});

test('a U-Net model package segments a CT end to end onto the CT’s own grid', async () => {
  const dir = await writeLiverUnetPackage(join(tempDir('unet'), 'unet'), unet, {
    name: 'unet-random',
    version: '0.0.1',
    spacing: [4, 4, 4],
    patch: [64, 64, 32],
  });
  const vol = await readNifti(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  const phases: string[] = [];
  const r = await segmentVolume(vol, await loadModelPackage(dir), {
    device: 'auto',
    log: () => undefined,
    onProgress: (p) => {
      if (phases.at(-1) !== p.stage) phases.push(p.stage);
    },
  });
  assert.deepEqual([...r.labels.dims], [...vol.dims]);
  assert.deepEqual([...r.labels.affine], [...vol.affine]);
  assert.ok(r.labels.data.every((v) => v === 0 || v === 1));
  assert.deepEqual(phases, ['model', 'preprocess', 'infer', 'postprocess']);
  assert.ok(r.networkGflop > 0 && r.timings.network_s > 0 && r.timings.network_s <= r.timings.infer_s);
  assert.equal(r.provider, 'cpu');
});

test('a window size the U-Net cannot take is reported as a model-card problem', async () => {
  const { session } = await createSession(unet, 'cpu');
  await assert.rejects(
    slidingWindowInference(new Float32Array(40 ** 3), [40, 40, 40], session, { patch: [40, 40, 40] }),
    (e: unknown) =>
      e instanceof LobuleError && e.code === 'E_MODEL' && /window of \[1, 1, 40, 40, 40\]/.test(e.message) && /patchSize/.test(e.message),
  );
  await session.release();
});
