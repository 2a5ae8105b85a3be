/**
 * A network opened off the thread (engine/onnx/open-network.ts) is the same network: the sliding window over it
 * gives exactly the outputs it gives on this thread, with the model's input names and shapes carried over; and
 * an abort ends a run in flight (or the start of its worker) at once, with E_CANCELLED (a Stop, not a model fault).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LobuleError } from '../../engine/errors.js';
import { slidingWindowInference, type Dims } from '../../engine/inference/sliding-window.js';
import { openNetwork } from '../../engine/onnx/open-network.js';
import { packageRoot } from '../../engine/paths.js';
import { mulberry32 } from '../../engine/common/rng.js';

const MODEL = join(packageRoot(), 'assets', 'models', 'liver', 'model.onnx'); // the bundled U-Net, input [N, 1, Z, Y, X]

function noise(n: number): Float32Array {
  const rand = mulberry32(7);
  return Float32Array.from({ length: n }, () => rand());
}

test('the sliding window over an off-thread network equals the one on this thread, window for window', async () => {
  const bytes = new Uint8Array(await readFile(MODEL));
  const dims: Dims = [80, 72, 24];
  const input = noise(dims[0] * dims[1] * dims[2]);
  const options = { patch: [64, 64, 16] as Dims, overlap: 0.25 };
  const here = await openNetwork(bytes, 'cpu');
  const there = await openNetwork(bytes, 'cpu', { offThread: true });
  try {
    assert.deepEqual([there.network.inputNames, there.network.outputNames], [here.network.inputNames, here.network.outputNames]);
    assert.deepEqual(there.network.inputMetadata, here.network.inputMetadata);
    const a = await slidingWindowInference(input, dims, here.network, options);
    const b = await slidingWindowInference(input, dims, there.network, options);
    assert.equal(b.windows, 8);
    assert.equal(b.channels.length, a.channels.length);
    let maxDiff = 0;
    for (let c = 0; c < a.channels.length; c++)
      for (let i = 0; i < a.channels[c].length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.channels[c][i] - b.channels[c][i]));
    assert.ok(maxDiff < 1e-5, `largest difference ${maxDiff}`);
  } finally {
    await here.network.release();
    await there.network.release();
  }
});

test('an abort during an off-thread window ends the sliding window at once with E_CANCELLED', async () => {
  const bytes = new Uint8Array(await readFile(MODEL));
  const dims: Dims = [128, 128, 64]; // one window of 1 M voxels: seconds of work on two cores
  const input = noise(dims[0] * dims[1] * dims[2]);
  const controller = new AbortController();
  const { network } = await openNetwork(bytes, 'cpu', { offThread: true, signal: controller.signal, purpose: 'validation' });
  const started = performance.now();
  const run = slidingWindowInference(input, dims, network, { patch: dims, signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  await assert.rejects(run, (e: unknown) => e instanceof LobuleError && e.code === 'E_CANCELLED');
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 0.8, `the abort came at 0.3 s and the run ended at ${seconds.toFixed(2)} s`);
  await network.release(); // aborted: returns without waiting for the worker's run
});

test('an abort while the worker starts and makes its session rejects at once with E_CANCELLED', async () => {
  const bytes = new Uint8Array(await readFile(MODEL));
  const controller = new AbortController();
  const started = performance.now();
  const opening = openNetwork(bytes, 'cpu', { offThread: true, signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(opening, (e: unknown) => e instanceof LobuleError && e.code === 'E_CANCELLED');
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 0.3, `aborted at 0.02 s, rejected at ${seconds.toFixed(2)} s`);
});
