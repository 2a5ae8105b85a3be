/**
 * Issue 15 row "a bit-flipped model.onnx: 9 of 12 ran without complaint, 7 gave a different mask": the card records
 * the sha256 of each ONNX file and loading refuses any file that differs, naming the model and the file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { loadModelPackage, writeModelPackage } from '../../engine/models/package.js';
import { bundledModelsDir } from '../../engine/paths.js';
import { LobuleError } from '../../engine/errors.js';
import { thresholdCard, thresholdOnnx } from '../inference/threshold-model.js';

const root = mkdtempSync(join(tmpdir(), 'lobule-integrity-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the bundled liver card records the real sha256 of its model.onnx and loads', async () => {
  const dir = join(bundledModelsDir(), 'liver');
  const pkg = await loadModelPackage(dir);
  const actual = createHash('sha256')
    .update(readFileSync(join(dir, 'model.onnx')))
    .digest('hex');
  assert.equal(pkg.card.sha256?.['model.onnx'], actual);
});

test('12 single-bit flips across the bundled model.onnx are each refused by name', async () => {
  const original = readFileSync(join(bundledModelsDir(), 'liver', 'model.onnx'));
  const recorded = (await loadModelPackage(join(bundledModelsDir(), 'liver'))).card.sha256?.['model.onnx'];
  assert.match(recorded ?? '', /^[0-9a-f]{64}$/);
  for (let n = 0; n < 12; n++) {
    const dir = join(root, `flip-${n}`);
    cpSync(join(bundledModelsDir(), 'liver'), dir, { recursive: true });
    const bytes = Buffer.from(original);
    const at = Math.floor(((n + 0.5) / 12) * bytes.length);
    bytes[at] ^= 1 << (n % 8);
    writeFileSync(join(dir, 'model.onnx'), bytes);
    await assert.rejects(loadModelPackage(dir), (e: unknown) => {
      assert.ok(e instanceof LobuleError, `flip at ${at}: ${String(e)}`);
      assert.equal(e.code, 'E_CORRUPT', e.message);
      assert.match(
        e.message,
        new RegExp(
          `model 'liver': .*model\\.onnx was changed or damaged \\(its sha256 is [0-9a-f]{64}, the model card records ${recorded}`,
        ),
      );
      return true;
    });
  }
});

test('a package written by Lobule records the hash of the bytes it wrote, and a later edit of the ONNX is refused', async () => {
  const onnx = thresholdOnnx({ sigmoidInGraph: true });
  const dir = await writeModelPackage(join(root, 'threshold'), thresholdCard(), onnx);
  const card = JSON.parse(readFileSync(join(dir, 'lobule-model.json'), 'utf8'));
  assert.equal(card.sha256['model.onnx'], createHash('sha256').update(onnx).digest('hex'));
  await loadModelPackage(dir);
  const changed = Buffer.from(onnx);
  changed[changed.length - 1] ^= 0x10;
  writeFileSync(join(dir, 'model.onnx'), changed);
  await assert.rejects(loadModelPackage(dir), /model 'threshold': .*model\.onnx was changed or damaged/);
});
