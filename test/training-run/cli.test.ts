import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { writeTinyPlainSpec } from './tiny-network.js';
import { buildLiverWorkspace, PATIENT_A, PATIENT_A_TOP } from './workspace-fixture.js';

const root = await mkdtemp(join(tmpdir(), 'lobule-train-cli-'));
after(() => rm(root, { recursive: true, force: true }));

test('lobule train --json prints one JSON line per step and per validation and names the written model', async () => {
  const ws = join(root, 'ws');
  await buildLiverWorkspace(ws, [PATIENT_A, { ...PATIENT_A_TOP, split: 'val' }]);
  const spec = await writeTinyPlainSpec(join(root, 'spec.json'));
  const r = await runCliCaptured([
    'train',
    '--workspace',
    ws,
    '--spec',
    spec,
    '--epochs',
    '2',
    '--steps-per-epoch',
    '4',
    '--patch',
    '16',
    '--batch',
    '1',
    '--spacing',
    '6',
    '--val-every',
    '1',
    '--label-map',
    '1:1',
    '--optimizer',
    'adam',
    '--schedule',
    'poly',
    '--seed',
    '5',
    '--name',
    'cli-liver',
    '--json',
  ]);
  assert.equal(r.code, 0, r.err.join('\n'));
  const events = r.out.map((l) => JSON.parse(l) as { type: string; step?: number; mean?: number; result?: { modelId: string } });
  const steps = events.filter((e) => e.type === 'step');
  assert.equal(steps.length, 8); // 4 steps per epoch, 2 epochs
  assert.equal(events.filter((e) => e.type === 'validation').length, 2);
  assert.equal(events.at(-1)?.type, 'done');
  assert.equal(events.at(-1)?.result?.modelId, 'cli-liver');
});

test('lobule train names a bad flag value and the missing workspace', async () => {
  const bad = await runCliCaptured(['train', '--workspace', join(root, 'nowhere'), '--optimizer', 'rmsprop']);
  assert.equal(bad.code, 1);
  assert.match(bad.err.join('\n'), /optimizer/);
  const none = await runCliCaptured(['train', '--workspace', join(root, 'nowhere')]);
  assert.equal(none.code, 1);
  assert.match(none.err.join('\n'), /not a Lobule workspace/);
});
