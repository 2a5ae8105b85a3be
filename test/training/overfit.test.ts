import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { readNifti } from '../../engine/io/nifti.js';
import { defaultModelSpec, type ModelSpec } from '../../engine/training/spec.js';
import { OrtTrainer } from '../../engine/training/trainer.js';
import { buildInferenceModel } from '../../engine/training/export.js';
import { sharedData } from '../helpers/data.js';

const PATCH: [number, number, number] = [16, 32, 32]; // [nz, ny, nx]
const MAX_STEPS = 200;

/** Crops [nz, ny, nx] at voxel (i0, j0, k0) of a volume into a flat [1, 1, nz, ny, nx] patch. */
function crop(data: ArrayLike<number>, dims: readonly number[], at: [number, number, number], map: (v: number) => number): Float32Array {
  const [nx, ny] = dims;
  const [pz, py, px] = PATCH;
  const out = new Float32Array(pz * py * px);
  let o = 0;
  for (let k = 0; k < pz; k++)
    for (let j = 0; j < py; j++)
      for (let i = 0; i < px; i++) {
        out[o++] = map(data[at[0] + i + nx * (at[1] + j + ny * (at[2] + k))]);
      }
  return out;
}

function dice(logits: Float32Array, label: Float32Array): number {
  let inter = 0;
  let sum = 0;
  for (let i = 0; i < label.length; i++) {
    const p = logits[i] > 0 ? 1 : 0;
    inter += p * label[i];
    sum += p + label[i];
  }
  return (2 * inter) / sum;
}

test('a small residual U-Net overfits liver patches of a real CT to Dice > 0.9 within 200 steps', async () => {
  const ct = await readNifti(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  const liver = await readNifti(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'));
  // The study's intensity window: clip to [-300, 300] HU, scale to [0, 1].
  const window = (hu: number) => (Math.min(300, Math.max(-300, hu)) + 300) / 600;
  // Four patches on the liver border (122 x 101 x 30 voxels at 3 mm), each 30-60 % liver.
  const corners: [number, number, number][] = [
    [72, 32, 0],
    [56, 32, 14],
    [48, 56, 7],
    [80, 48, 14],
  ];
  const patches = corners.map((c) => ({
    image: crop(ct.data, ct.dims, c, window),
    label: crop(liver.data, liver.dims, c, (v) => (v === 1 ? 1 : 0)),
  }));
  for (const p of patches) {
    const fg = p.label.reduce((a, b) => a + b, 0) / p.label.length;
    assert.ok(fg > 0.1 && fg < 0.95, `patch must hold liver and background (foreground ${fg})`);
  }
  const spec: ModelSpec = { ...defaultModelSpec(), channels: [8, 16, 32] };
  const trainer = await OrtTrainer.create(spec, { loss: 'dice', optimizer: { kind: 'novograd' }, patch: PATCH, batch: 2 }, { seed: 42 });
  const vox = PATCH[0] * PATCH[1] * PATCH[2];
  const batchOf = (a: number, b: number, key: 'image' | 'label') => {
    const out = new Float32Array(2 * vox);
    out.set(patches[a][key], 0);
    out.set(patches[b][key], vox);
    return out;
  };
  let session: ort.InferenceSession | undefined;
  const evaluate = async () => {
    session = await ort.InferenceSession.create(buildInferenceModel(spec, trainer.weights()));
    const scores: number[] = [];
    for (const p of patches) {
      const out = await session.run({ image: new ort.Tensor('float32', p.image, [1, 1, ...PATCH]) });
      scores.push(dice(out.logits.data as Float32Array, p.label));
    }
    await session.release();
    return Math.min(...scores);
  };
  const before = await evaluate();
  let worst = before;
  let steps = 0;
  while (steps < MAX_STEPS) {
    const a = (steps * 2) % 4;
    await trainer.step(batchOf(a, a + 1, 'image'), batchOf(a, a + 1, 'label'), 0.01);
    steps++;
    if (steps % 25 === 0 && (worst = await evaluate()) > 0.9) break;
  }
  await trainer.dispose();
  assert.ok(worst > 0.9, `worst patch Dice ${worst.toFixed(3)} after ${steps} steps (before training ${before.toFixed(3)})`);
  console.log(`overfit: worst patch Dice ${before.toFixed(3)} -> ${worst.toFixed(3)} in ${steps} steps`);
});
