import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { buildLiverWorkspace, PATIENT_A, PATIENT_A_TOP } from './workspace-fixture.js';

const root = await mkdtemp(join(tmpdir(), 'lobule-train-cli-'));
after(() => rm(root, { recursive: true, force: true }));

async function captured(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await runCli(argv), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('lobule train --json prints one JSON line per step and per validation and names the written model', async () => {
  const ws = join(root, 'ws');
  await buildLiverWorkspace(ws, [PATIENT_A, { ...PATIENT_A_TOP, split: 'val' }]);
  const spec = join(root, 'spec.json');
  await writeFile(
    spec,
    JSON.stringify({
      channels: [4, 8],
      block: 'plain',
      norm: 'instance',
      activation: 'relu',
      dropout: 0,
      down: 'maxpool',
      up: 'transposed',
      inChannels: 1,
      outClasses: 1,
      outputActivation: 'sigmoid',
    }),
  );
  const r = await captured([
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
  const bad = await captured(['train', '--workspace', join(root, 'nowhere'), '--optimizer', 'rmsprop']);
  assert.equal(bad.code, 1);
  assert.match(bad.err.join('\n'), /optimizer/);
  const none = await captured(['train', '--workspace', join(root, 'nowhere')]);
  assert.equal(none.code, 1);
  assert.match(none.err.join('\n'), /not a Lobule workspace/);
});
