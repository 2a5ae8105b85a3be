import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from '../../engine/onnx/ort.js';
import { defaultModelSpec, parseModelSpec } from '../../engine/training/spec.js';
import { OrtTrainer } from '../../engine/training/trainer.js';
import { buildInferenceModel, forwardFlops } from '../../engine/training/export.js';
import { initWeights, paramShapes } from '../../engine/training/weights.js';
import { decodeTensorFile, encodeTensorFile } from '../../engine/training/tensor-file.js';
import { LobuleError } from '../../engine/errors.js';
import { smoothImage, smoothLabel } from './helpers.js';

const spec = { ...defaultModelSpec(), channels: [4, 8] };
const opts = { loss: 'dice' as const, optimizer: { kind: 'novograd' as const }, patch: [8, 8, 8] as [number, number, number], batch: 1 };
const batches = [1, 2, 3].map((s) => ({ image: smoothImage([1, 1, 8, 8, 8], s), label: smoothLabel(spec, [1, 1, 8, 8, 8], s + 10) }));

test('resuming from a checkpoint gives a bit-identical next step to not stopping', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobule-ckpt-'));
  try {
    const straight = await OrtTrainer.create(spec, opts, { seed: 5 });
    for (const b of batches.slice(0, 2)) await straight.step(b.image, b.label, 0.01);
    const path = join(dir, 'step2.ckpt');
    await straight.saveCheckpoint(path);
    const expected = await straight.step(batches[2].image, batches[2].label, 0.01);

    const resumed = await OrtTrainer.loadCheckpoint(path);
    assert.equal(resumed.stepCount, 2);
    const got = await resumed.step(batches[2].image, batches[2].label, 0.01);
    assert.equal(got.loss, expected.loss);
    assert.equal(resumed.stepCount, 3);
    const a = straight.weights();
    for (const [name, w] of resumed.weights()) assert.deepEqual(w.data, a.get(name)!.data, name);
    const sa = straight.optimizerState();
    for (const [name, s] of resumed.optimizerState()) assert.deepEqual(s.data, sa.get(name)!.data, name);
    await straight.dispose();
    await resumed.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged checkpoint is refused with a LobuleError naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobule-ckpt-'));
  try {
    const path = join(dir, 'bad.ckpt');
    writeFileSync(path, 'not a checkpoint');
    await assert.rejects(
      OrtTrainer.loadCheckpoint(path),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_CORRUPT' && e.message.includes(path),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('weights encoded and decoded as a tensor file round-trip exactly and run in the exported inference model', async () => {
  const w = initWeights(spec, 9);
  const back = decodeTensorFile(encodeTensorFile(w, { note: 'x' }), 'w.safetensors').tensors;
  assert.deepEqual([...back.keys()], [...paramShapes(spec).keys()]);
  for (const [k, v] of w) assert.deepEqual(back.get(k)!.data, v.data);
  const session = await ort.InferenceSession.create(buildInferenceModel(spec, back));
  // Dynamic batch and spatial dims: any multiple of 2 per axis runs.
  const out = await session.run({ image: new ort.Tensor('float32', new Float32Array(2 * 4 * 6 * 10), [2, 1, 4, 6, 10]) });
  assert.deepEqual(out.logits.dims, [2, 1, 4, 6, 10]);
});

test('training asked for an unavailable device fails naming it; auto falls back to the CPU with one logged line', async () => {
  await assert.rejects(
    OrtTrainer.create(spec, opts, { device: 'dml' }),
    (e: unknown) =>
      e instanceof LobuleError && e.code === 'E_UNSUPPORTED' && /'dml'.*training/.test(e.message) && /--device cpu or auto/.test(e.message),
  );
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const t = await OrtTrainer.create(spec, opts, { device: 'auto', log });
  const again = await OrtTrainer.create(spec, opts, { device: 'auto', log });
  if (t.device === 'cpu') assert.equal(lines.length, 1);
  const { loss } = await t.step(batches[0].image, batches[0].label, 0.01);
  assert.ok(Number.isFinite(loss));
  await t.dispose();
  await again.dispose();
});

test('training lowers the loss over steps on a fixed batch with each optimizer', async () => {
  for (const optimizer of [{ kind: 'novograd' }, { kind: 'adam' }, { kind: 'sgd', momentum: 0.9 }] as const) {
    const t = await OrtTrainer.create(spec, { ...opts, optimizer }, { seed: 1 });
    const first = (await t.step(batches[0].image, batches[0].label, optimizer.kind === 'sgd' ? 0.1 : 0.01)).loss;
    let last = first;
    for (let i = 0; i < 15; i++) last = (await t.step(batches[0].image, batches[0].label, optimizer.kind === 'sgd' ? 0.1 : 0.01)).loss;
    assert.ok(last < first * 0.8, `${optimizer.kind}: loss ${first} -> ${last}`);
    await t.dispose();
  }
});

test('model specs are validated with errors that name the field', () => {
  assert.throws(
    () => parseModelSpec({ ...defaultModelSpec(), block: 'dense' }),
    (e: unknown) => e instanceof LobuleError && /block/.test(e.message),
  );
  assert.throws(() => parseModelSpec({ ...defaultModelSpec(), outputActivation: 'softmax' }), /outClasses/);
  assert.throws(() => parseModelSpec('{"channels": [16'), /not valid JSON/);
  assert.deepEqual(parseModelSpec(JSON.stringify(defaultModelSpec())), defaultModelSpec());
});

test('wrong batch sizes and patch sizes are refused with LobuleErrors', async () => {
  await assert.rejects(
    OrtTrainer.create(spec, { ...opts, patch: [8, 8, 7] }),
    (e: unknown) => e instanceof LobuleError && /multiple of 2/.test(e.message),
  );
  const t = await OrtTrainer.create(spec, opts);
  await assert.rejects(t.step(new Float32Array(10), batches[0].label, 0.01), /image batch has 10 values/);
  await t.dispose();
});

test('forwardFlops counts 2 x multiply-adds of every conv (hand count for a 1-level plain net)', () => {
  const s = { ...defaultModelSpec(), channels: [4], block: 'plain' as const };
  const vox = 8 * 8 * 8;
  const expected = 2 * vox * (4 * 1 * 27 + 4 * 4 * 27 + 1 * 4);
  assert.equal(forwardFlops(s, [8, 8, 8]), expected);
});

test('a spec with dropout trains (in-graph seeded masks) and exports an inference model without dropout', async () => {
  const s = { ...spec, dropout: 0.3 };
  const t = await OrtTrainer.create(s, opts, { seed: 2 });
  const { loss } = await t.step(batches[0].image, batches[0].label, 0.01);
  assert.ok(Number.isFinite(loss));
  const session = await ort.InferenceSession.create(buildInferenceModel(s, t.weights()));
  const feed = { image: new ort.Tensor('float32', batches[0].image, [1, 1, 8, 8, 8]) };
  const a = (await session.run(feed)).logits.data as Float32Array;
  const b = (await session.run(feed)).logits.data as Float32Array;
  assert.deepEqual(a, b);
  await t.dispose();
});
