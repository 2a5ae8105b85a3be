import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { OnnxGraph, attr } from '../../engine/onnx/graph.js';
import { slidingWindowInference, windowStarts, gaussianImportance } from '../../engine/inference/sliding-window.js';
import { LobuleError } from '../../engine/errors.js';
import { mulberry32 } from '../../engine/common/rng.js';

/** y = conv3x3x3(x) with fixed weights: its output near a window edge depends on where the window is. */
async function convSession(kernel: 1 | 3, channels = 2): Promise<ort.InferenceSession> {
  const g = new OnnxGraph('probe');
  g.input('x', 'float32', ['N', 1, 'Z', 'Y', 'X']);
  const k = kernel ** 3;
  const rnd = mulberry32(3);
  const w = g.initializer(
    'w',
    Float32Array.from({ length: channels * k }, () => rnd() - 0.5),
    [channels, 1, kernel, kernel, kernel],
  );
  const b = g.initializer(
    'b',
    Float32Array.from({ length: channels }, (_, c) => c + 0.25),
    [channels],
  );
  g.op(
    'Conv',
    ['x', w, b],
    { kernel_shape: attr.ints([kernel, kernel, kernel]), pads: attr.ints(new Array(6).fill((kernel - 1) / 2)) },
    'y',
  );
  g.output('y', 'float32', ['N', channels, 'Z', 'Y', 'X']);
  return ort.InferenceSession.create(g.toBytes());
}

function randomVolume(n: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rnd());
}

test('window starts cover the axis evenly from 0 to n − patch', () => {
  assert.deepEqual(windowStarts(50, 64, 0.5), [0]);
  assert.deepEqual(windowStarts(64, 64, 0.5), [0]);
  assert.deepEqual(windowStarts(100, 64, 0.5), [0, 18, 36]);
  assert.deepEqual(windowStarts(200, 64, 0.25), [0, 45, 91, 136]);
  for (const [n, p, o] of [
    [273, 96, 0.25],
    [1000, 96, 0.5],
    [97, 96, 0],
  ] as const) {
    const s = windowStarts(n, p, o);
    assert.equal(s[0], 0);
    assert.equal(s[s.length - 1], n - p);
    for (let i = 1; i < s.length; i++) assert.ok(s[i] - s[i - 1] <= Math.round(p * (1 - o)) && s[i] > s[i - 1]);
  }
});

test('the Gaussian importance map peaks at 1 in the centre, is symmetric and has no zeros', () => {
  const g = gaussianImportance([8, 6, 4]);
  const at = (x: number, y: number, z: number) => g[x + 8 * (y + 6 * z)];
  assert.ok(Math.abs(Math.max(...g) - at(3, 2, 1)) < 1e-7 && Math.max(...g) <= 1);
  assert.equal(at(0, 0, 0), at(7, 5, 3));
  assert.ok(Math.min(...g) > 0);
});

test('a point-wise model gives exactly its whole-volume output through overlapping, partial and padded windows', async () => {
  const session = await convSession(1);
  const dims = [37, 29, 21] as const;
  const x = randomVolume(37 * 29 * 21, 1);
  const whole = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 21, 29, 37]) });
  const ref = whole.y.data as Float32Array;
  for (const [patch, batch] of [
    [[16, 16, 16], 1],
    [[16, 12, 8], 3],
    [[64, 64, 64], 1],
  ] as const) {
    const r = await slidingWindowInference(x, dims, session, { patch, overlap: 0.5, batch });
    assert.equal(r.channels.length, 2);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < x.length; i++) {
        assert.ok(Math.abs(r.channels[c][i] - ref[c * x.length + i]) < 1e-5, `channel ${c} voxel ${i} patch ${patch}`);
      }
  }
});

test('blending of a 3×3×3 conv agrees with the whole-volume output away from window seams, and batches do not change it', async () => {
  const session = await convSession(3, 1);
  const dims = [40, 40, 40] as const;
  const x = randomVolume(40 ** 3, 2);
  const ref = (await session.run({ x: new ort.Tensor('float32', x, [1, 1, 40, 40, 40]) })).y.data as Float32Array;
  const one = await slidingWindowInference(x, dims, session, { patch: [24, 24, 24], overlap: 0.5, batch: 1 });
  const four = await slidingWindowInference(x, dims, session, { patch: [24, 24, 24], overlap: 0.5, batch: 4 });
  assert.deepEqual(one.channels[0], four.channels[0]);
  let near = 0;
  let maxErr = 0;
  for (let i = 0; i < x.length; i++) {
    const err = Math.abs(one.channels[0][i] - ref[i]);
    maxErr = Math.max(maxErr, err);
    if (err < 1e-5) near++;
  }
  // Windows are zero-padded at their faces, so voxels next to an inner window face differ; most do not.
  assert.ok(near / x.length > 0.6, `${near} of ${x.length} voxels match`);
  assert.ok(maxErr > 1e-3, 'seams exist, so the comparison can fail');
  assert.equal(one.windows, 27);
});

test('an aborted signal stops the sliding window with E_CANCELLED', async () => {
  const session = await convSession(1);
  const controller = new AbortController();
  let calls = 0;
  await assert.rejects(
    slidingWindowInference(randomVolume(32 ** 3, 3), [32, 32, 32], session, {
      patch: [8, 8, 8],
      overlap: 0,
      signal: controller.signal,
      onProgress: (done) => {
        calls = done;
        if (done === 5) controller.abort();
      },
    }),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_CANCELLED',
  );
  assert.equal(calls, 5);
});

test('a model with a fixed input size runs with that window (batch forced to its fixed N) and names a mismatch', async () => {
  const g = new OnnxGraph('fixed');
  g.input('x', 'float32', [1, 1, 8, 8, 8]);
  const w = g.initializer('w', new Float32Array([2]), [1, 1, 1, 1, 1]);
  g.op('Conv', ['x', w], { kernel_shape: attr.ints([1, 1, 1]) }, 'y');
  g.output('y', 'float32', [1, 1, 8, 8, 8]);
  const session = await ort.InferenceSession.create(g.toBytes());
  const x = randomVolume(20 * 12 * 9, 4);
  const r = await slidingWindowInference(x, [20, 12, 9], session, { patch: [8, 8, 8], batch: 4 });
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(r.channels[0][i] - 2 * x[i]) < 1e-6);
  await assert.rejects(
    slidingWindowInference(x, [20, 12, 9], session, { patch: [16, 8, 8] }),
    (e: unknown) =>
      e instanceof LobuleError && e.code === 'E_MODEL' && /fixed to \[1, 1, 8, 8, 8\]/.test(e.message) && /patchSize/.test(e.message),
  );
});
