import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, providerInstalled, type Device } from '../../engine/onnx/session-factory.js';
import { LobuleError } from '../../engine/errors.js';
import { thresholdOnnx } from './threshold-model.js';

const model = thresholdOnnx({ sigmoidInGraph: true });

test('device auto uses a GPU provider when one is installed and otherwise falls back to CPU with one logged line', async () => {
  const lines: string[] = [];
  const { session, provider } = await createSession(model, 'auto', { log: (l) => lines.push(l) });
  const gpu = process.platform === 'linux' ? 'cuda' : process.platform === 'win32' ? 'dml' : 'coreml';
  if (providerInstalled(gpu)) {
    assert.ok(provider === gpu || (provider === 'cpu' && lines.length === 1));
  } else {
    assert.equal(provider, 'cpu');
    assert.equal(lines.length, 1);
    assert.match(lines[0], new RegExp(`${gpu}.*using CPU`));
  }
  assert.deepEqual(session.inputNames, ['image']);
  await session.release();
});

test('device cpu never logs; an unavailable provider named explicitly is an error saying what to do', async () => {
  const lines: string[] = [];
  const cpu = await createSession(model, 'cpu', { log: (l) => lines.push(l) });
  assert.equal(cpu.provider, 'cpu');
  assert.deepEqual(lines, []);
  await cpu.session.release();
  for (const device of ['cuda', 'dml', 'coreml'] as const) {
    if (providerInstalled(device)) continue;
    await assert.rejects(
      createSession(model, device),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_UNSUPPORTED' && /--device cpu or auto/.test(e.message),
    );
  }
  await assert.rejects(createSession(model, 'tpu' as Device), (e: unknown) => e instanceof LobuleError && e.code === 'E_INVALID_ARGUMENT');
});
