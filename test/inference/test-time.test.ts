/**
 * Test-time mirroring and checkpoint ensembles (card `testTime`): each pass is flipped back before it is
 * averaged, and the number of passes (the cost) is reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { OnnxGraph, attr } from '../../engine/onnx/graph.js';
import { flipPatchInPlace, slidingWindowInference } from '../../engine/inference/sliding-window.js';
import { mulberry32 } from '../../engine/common/rng.js';

const dims = [16, 12, 8] as const;
const n = dims[0] * dims[1] * dims[2];

async function conv(kernel: 1 | 3, seed: number): Promise<ort.InferenceSession> {
  const g = new OnnxGraph('probe');
  g.input('x', 'float32', ['N', 1, 'Z', 'Y', 'X']);
  const rnd = mulberry32(seed);
  const w = g.initializer(
    'w',
    Float32Array.from({ length: kernel ** 3 }, () => rnd() - 0.5),
    [1, 1, kernel, kernel, kernel],
  );
  const pads = attr.ints(new Array(6).fill((kernel - 1) / 2));
  g.op('Conv', ['x', w], { kernel_shape: attr.ints([kernel, kernel, kernel]), pads }, 'y');
  g.output('y', 'float32', ['N', 1, 'Z', 'Y', 'X']);
  return ort.InferenceSession.create(g.toBytes());
}

function volume(seed: number): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rnd());
}

async function whole(session: ort.InferenceSession, x: Float32Array): Promise<Float32Array> {
  const r = await session.run({ x: new ort.Tensor('float32', x, [1, 1, dims[2], dims[1], dims[0]]) });
  return Float32Array.from(r.y.data as Float32Array);
}

test('flipping a patch along x reverses every row, and flipping twice along any axes is the identity', () => {
  const x = Float32Array.from({ length: n }, (_, i) => i);
  const once = x.slice();
  flipPatchInPlace(once, 0, dims, [0]);
  assert.deepEqual(
    Array.from(once.subarray(0, 16)),
    Array.from({ length: 16 }, (_, i) => 15 - i),
  );
  for (const axes of [[1], [2], [0, 1, 2]]) {
    const y = x.slice();
    flipPatchInPlace(y, 0, dims, axes);
    assert.notDeepEqual(y, x);
    flipPatchInPlace(y, 0, dims, axes);
    assert.deepEqual(y, x);
  }
});

test('mirroring along x averages the plain prediction with the flipped-back prediction of the flipped input', async () => {
  const session = await conv(3, 7);
  const x = volume(1);
  const plain = await whole(session, x);
  const flipped = x.slice();
  flipPatchInPlace(flipped, 0, dims, [0]);
  const back = await whole(session, flipped);
  flipPatchInPlace(back, 0, dims, [0]);
  const r = await slidingWindowInference(x, dims, session, { patch: dims, gaussian: false, mirror: [[0]] });
  assert.equal(r.passesPerWindow, 2);
  let differs = false;
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(r.channels[0][i] - (plain[i] + back[i]) / 2) < 1e-5, `voxel ${i}`);
    if (Math.abs(plain[i] - back[i]) > 1e-3) differs = true;
  }
  assert.ok(differs, 'the probe model is not mirror-symmetric, so the test can tell the passes apart');
});

test('an ensemble averages its networks and counts (1 + mirrors) × members passes', async () => {
  const a = await conv(1, 2);
  const b = await conv(1, 3);
  const x = volume(4);
  const ya = await whole(a, x);
  const yb = await whole(b, x);
  const r = await slidingWindowInference(x, dims, a, { patch: [8, 8, 8], overlap: 0.5, ensemble: [b], mirror: [[1], [0, 2]] });
  assert.equal(r.passesPerWindow, 6);
  // Point-wise networks are mirror-equivariant, so mirroring must change nothing but the cost.
  for (let i = 0; i < n; i++) assert.ok(Math.abs(r.channels[0][i] - (ya[i] + yb[i]) / 2) < 1e-5, `voxel ${i}`);
});
