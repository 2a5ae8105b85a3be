/**
 * The checkpoint tensor file: written in the safetensors layout (checked byte by byte against the published
 * layout, not through our own reader alone), read back exactly, and old LOBTENS1 checkpoints still load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../../engine/training/checkpoint.js';
import { defaultModelSpec } from '../../engine/training/spec.js';
import { initWeights, type WeightSet } from '../../engine/training/weights.js';
import { decodeTensorFile, encodeTensorFile } from '../../engine/training/tensor-file.js';
import { LobuleError } from '../../engine/errors.js';

const spec = { ...defaultModelSpec(), channels: [4, 8] };
const options = { loss: 'dice' as const, optimizer: { kind: 'novograd' as const }, patch: [8, 8, 8] as [number, number, number], batch: 1 };

function checkpoint(): Checkpoint {
  const weights = initWeights(spec, 3);
  const state: WeightSet = new Map([
    ['opt.step', { data: Float32Array.of(7), dims: [1] }],
    ['opt.m.0', { data: Float32Array.from({ length: 6 }, (_, i) => i / 7), dims: [2, 3] }],
  ]);
  return { spec, options, step: 7, weights, state };
}

function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lobule-tensors-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function assertSameCheckpoint(got: Checkpoint, want: Checkpoint): void {
  assert.equal(got.step, want.step);
  assert.deepEqual(got.spec, want.spec);
  assert.deepEqual([...got.weights.keys()], [...want.weights.keys()]);
  for (const [name, t] of want.weights) assert.deepEqual(got.weights.get(name), t, name);
  assert.deepEqual([...got.state.keys()], [...want.state.keys()]);
  for (const [name, t] of want.state) assert.deepEqual(got.state.get(name), t, name);
}

test('a checkpoint is safetensors: u64 header length, F32 entries back to back, Lobule fields in __metadata__', async () => {
  await withDir(async (dir) => {
    const ck = checkpoint();
    const path = join(dir, 'step7.ckpt');
    await writeCheckpoint(path, ck);
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0, 'data starts 8-byte aligned');
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    const meta = JSON.parse(header.__metadata__.lobule);
    assert.equal(meta.kind, 'lobule-checkpoint');
    assert.equal(meta.step, 7);
    const all = new Map([...ck.weights, ...ck.state]);
    let offset = 0;
    for (const [name, t] of all) {
      assert.deepEqual(header[name], { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + t.data.length * 4] }, name);
      const stored = bytes.subarray(8 + n + offset, 8 + n + offset + t.data.length * 4);
      assert.deepEqual(new Float32Array(Uint8Array.from(stored).buffer), t.data, name);
      offset += t.data.length * 4;
    }
    assert.equal(bytes.length, 8 + n + offset, 'no bytes after the last tensor');
    assertSameCheckpoint(await readCheckpoint(path), ck);
  });
});

/** The LOBTENS1 layout exactly as Lobule wrote it before safetensors (kept here to prove old files still load). */
function encodeLobtens1(tensors: WeightSet, meta: unknown): Uint8Array {
  let offset = 0;
  const index = [...tensors].map(([name, t]) => {
    const entry = { name, dims: t.dims, offset };
    offset += t.data.length * 4;
    return entry;
  });
  const json = new TextEncoder().encode(JSON.stringify({ meta, tensors: index }));
  const header = new Uint8Array(json.length + ((4 - ((12 + json.length) % 4)) % 4)).fill(0x20);
  header.set(json);
  const out = new Uint8Array(12 + header.length + offset);
  out.set(new TextEncoder().encode('LOBTENS1'), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let i = 0;
  for (const t of tensors.values())
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), 12 + header.length + index[i++].offset);
  return out;
}

test('a LOBTENS1 checkpoint written before the switch to safetensors still loads, every tensor exact', async () => {
  await withDir(async (dir) => {
    const ck = checkpoint();
    const meta = { schemaVersion: 1, kind: 'lobule-checkpoint', spec, options, step: 7, stateNames: [...ck.state.keys()] };
    const path = join(dir, 'old.ckpt');
    writeFileSync(path, encodeLobtens1(new Map([...ck.weights, ...ck.state]), meta));
    assertSameCheckpoint(await readCheckpoint(path), ck);
  });
});

test('tensor names that look like integers keep their creation order (JSON objects would sort them first)', () => {
  const tensors: WeightSet = new Map([
    ['b', { data: Float32Array.of(1), dims: [1] }],
    ['10', { data: Float32Array.of(2, 3), dims: [2] }],
    ['a', { data: Float32Array.of(4), dims: [1] }],
  ]);
  const back = decodeTensorFile(encodeTensorFile(tensors, { x: 1 }), 't.safetensors');
  assert.deepEqual([...back.tensors.keys()], ['b', '10', 'a']);
  assert.deepEqual(back.meta, { x: 1 });
});

test('a tensor file with a non-F32 tensor or cut short is refused with E_CORRUPT naming the file and the tensor', () => {
  const json = new TextEncoder().encode(JSON.stringify({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }));
  const f16 = new Uint8Array(8 + json.length + 4);
  new DataView(f16.buffer).setBigUint64(0, BigInt(json.length), true);
  f16.set(json, 8);
  assert.throws(
    () => decodeTensorFile(f16, 'half.safetensors'),
    (e: unknown) =>
      e instanceof LobuleError && e.code === 'E_CORRUPT' && /half\.safetensors/.test(e.message) && /tensor w has dtype F16/.test(e.message),
  );
  const whole = encodeTensorFile(new Map([['w', { data: new Float32Array(16), dims: [16] }]]));
  assert.throws(
    () => decodeTensorFile(whole.subarray(0, whole.length - 4), 'cut.safetensors'),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_CORRUPT' && /tensor w is truncated/.test(e.message),
  );
});
