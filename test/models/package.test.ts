import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelPackage, writeModelPackage, listModels, resolveModel } from '../../engine/models/package.js';
import { LobuleError } from '../../engine/errors.js';
import { ACTIVE_MODEL_FILE } from '../../engine/models/default-model.js';
import { bundledModelsDir } from '../../engine/paths.js';
import { createSession } from '../../engine/onnx/session-factory.js';
import { tempDir, thresholdCard, thresholdOnnx } from '../inference/threshold-model.js';

const fresh = () => tempDir('models');

function isError(code: string, ...fragments: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof LobuleError, `LobuleError expected, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `message names "${f}": ${e.message}`);
    return true;
  };
}

test('a written package loads back with its card and ONNX bytes, and rewriting replaces it atomically', async () => {
  const root = fresh();
  const onnx = thresholdOnnx({ sigmoidInGraph: true });
  const dir = await writeModelPackage(join(root, 'threshold'), thresholdCard(), onnx);
  const pkg = await loadModelPackage(dir);
  assert.equal(pkg.card.name, 'threshold');
  assert.deepEqual([...pkg.modelBytes], [...onnx]);
  await writeModelPackage(dir, { ...thresholdCard(), version: '2.0.0' }, onnx);
  assert.equal((await loadModelPackage(dir)).card.version, '2.0.0');
  assert.deepEqual(readdirSync(root), ['threshold'], 'no temporary or old folders left behind');
});

test('models are listed from every search folder and resolved by name or folder, first folder first', async () => {
  const a = fresh();
  const b = fresh();
  await writeModelPackage(join(a, 'one'), { ...thresholdCard(), name: 'alpha' }, thresholdOnnx({ sigmoidInGraph: true }));
  await writeModelPackage(join(b, 'two'), { ...thresholdCard(), name: 'beta' }, thresholdOnnx({ sigmoidInGraph: true }));
  await writeModelPackage(join(b, 'three'), { ...thresholdCard(), name: 'alpha', version: '9' }, thresholdOnnx({ sigmoidInGraph: true }));
  const list = await listModels([a, b, join(a, 'missing')]);
  assert.deepEqual(
    list.map((m) => `${m.name}@${m.version}`),
    ['alpha@1.0.0', 'alpha@9', 'beta@1.0.0'],
  );
  assert.equal((await resolveModel('alpha', [a, b])).card.version, '1.0.0');
  assert.equal((await resolveModel('beta', [a, b])).card.name, 'beta');
  assert.equal((await resolveModel(join(b, 'three'), [])).card.version, '9');
  assert.equal((await resolveModel(undefined, [b])).card.name, 'alpha');
});

test('with no model named, the active model of the workspace runs, else the bundled one, never a model just trained', async () => {
  const ws = fresh();
  await writeModelPackage(join(ws, 'just-trained'), { ...thresholdCard(), name: 'just-trained' }, thresholdOnnx({ sigmoidInGraph: true }));
  const dirs = [ws, bundledModelsDir()];
  assert.equal((await resolveModel(undefined, dirs)).card.name, 'liver', 'the bundled model is the default');
  writeFileSync(join(ws, ACTIVE_MODEL_FILE), JSON.stringify({ model: 'just-trained' }));
  assert.equal((await resolveModel(undefined, dirs)).card.name, 'just-trained', 'a model the user set active wins');
  writeFileSync(join(ws, ACTIVE_MODEL_FILE), JSON.stringify({ model: 'deleted-since' }));
  assert.equal((await resolveModel(undefined, dirs)).card.name, 'liver', 'an active model that is gone falls back to the bundled one');
});

test('with no model installed the error says how to get or train one', async () => {
  const empty = fresh();
  await assert.rejects(
    resolveModel(undefined, [empty]),
    isError('E_NOT_FOUND', 'no segmentation model is installed', 'lobule train', empty),
  );
  await assert.rejects(resolveModel('liver', [empty]), isError('E_NOT_FOUND', 'no model named "liver"', 'lobule train'));
});

test('a corrupt model.onnx is reported naming the file, both at load and by ONNX Runtime', async () => {
  const dir = await writeModelPackage(join(fresh(), 'bad'), thresholdCard(), thresholdOnnx({ sigmoidInGraph: true }));
  writeFileSync(join(dir, 'model.onnx'), Buffer.from('this is not an onnx model at all, just text'));
  await assert.rejects(loadModelPackage(dir), isError('E_CORRUPT', join(dir, 'model.onnx'), 'not a valid ONNX model'));
  // Truncated bytes may still decode as protobuf; ONNX Runtime then refuses them with a clear error.
  const good = thresholdOnnx({ sigmoidInGraph: true });
  await assert.rejects(
    createSession(good.subarray(0, Math.floor(good.length / 2)), 'cpu'),
    isError('E_CORRUPT', 'ONNX Runtime cannot load'),
  );
});

test('a card that is not JSON, or has a bad field, is reported naming the card and the field', async () => {
  const dir = await writeModelPackage(join(fresh(), 'bad'), thresholdCard(), thresholdOnnx({ sigmoidInGraph: true }));
  const cardPath = join(dir, 'lobule-model.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8'));
  writeFileSync(cardPath, '{ "name": ');
  await assert.rejects(loadModelPackage(dir), isError('E_CORRUPT', cardPath, 'not valid JSON'));
  card.output.threshold = 2;
  writeFileSync(cardPath, JSON.stringify(card));
  await assert.rejects(loadModelPackage(dir), isError('E_MODEL', cardPath, 'output.threshold'));
  await assert.rejects(loadModelPackage(fresh()), isError('E_MODEL', 'lobule-model.json is missing'));
});

test('a card naming a coarse stage needs the coarse ONNX', async () => {
  const card = { ...thresholdCard(), coarse: { model: 'coarse.onnx', resizeTo: [32, 32, 32] as [number, number, number] } };
  await assert.rejects(
    writeModelPackage(join(fresh(), 'x'), card, thresholdOnnx({ sigmoidInGraph: true })),
    isError('E_INVALID_ARGUMENT', 'coarse'),
  );
  const dir = await writeModelPackage(
    join(fresh(), 'x'),
    card,
    thresholdOnnx({ sigmoidInGraph: true }),
    thresholdOnnx({ sigmoidInGraph: true }),
  );
  const pkg = await loadModelPackage(dir);
  assert.ok(pkg.coarseModelBytes && pkg.coarseModelPath?.endsWith('coarse.onnx'));
});
