import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { predictionUncertainty } from '../../engine/evaluation/uncertainty.js';
import { uncertaintyCachePath } from '../../engine/evaluation/rank.js';
import { sharedData } from '../helpers/data.js';
import { loadModelPackage } from '../../engine/models/package.js';
import { bundledModelsDir } from '../../engine/paths.js';

test('uncertainty is summed entropy in bits per predicted foreground voxel (hand-computed)', () => {
  // p = 0.5 carries 1 bit, p = 0 or 1 none; foreground where p > 0.3: voxels 1 and 2.
  const u = predictionUncertainty([new Float32Array([0, 0.5, 1, 0.5 * 0])], 'sigmoid', 0.3);
  assert.deepEqual([u.entropyBits, u.foregroundVoxels, u.score], [1, 2, 0.5]);
  // Softmax over 4 classes, uniform: 2 bits; background most likely in voxel 1 only.
  const q = (a: number[]) => Float32Array.from(a);
  const s = predictionUncertainty([q([0.25, 1]), q([0.25, 0]), q([0.25, 0]), q([0.25, 0])], 'softmax', 0.5);
  assert.ok(Math.abs(s.entropyBits - 2) < 1e-6);
  assert.equal(s.foregroundVoxels, 0, 'ties go to background (channel 0)');
  assert.equal(predictionUncertainty([new Float32Array(3)], 'sigmoid', 0.5).score, 0, 'no foreground, no entropy: 0, not NaN');
});

const dir = await mkdtemp(join(tmpdir(), 'lobule-rank-'));
after(() => rm(dir, { recursive: true, force: true }));

test('lobule workspace rank scores unlabelled cases with the model, caches the scores per model version and reuses them', async () => {
  const W = join(dir, 'ws');
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    assert.equal(await runCli(['workspace', 'init', W]), 0);
    assert.equal(await runCli(['workspace', 'import', sharedData('totalsegmentator/example_ct_sm.nii.gz'), '--workspace', W]), 0);
    lines.length = 0;
    assert.equal(await runCli(['workspace', 'rank', '--workspace', W, '--json']), 0);
    const first = JSON.parse(lines.at(-1)!);
    assert.equal(first.cases.length, 1);
    const c = first.cases[0];
    assert.equal(c.caseId, 'example_ct_sm');
    assert.ok(c.score > 0 && c.score < 3 && c.foregroundVoxels > 30000, JSON.stringify(c));
    const cache = JSON.parse(
      readFileSync(uncertaintyCachePath(W, 'liver', (await loadModelPackage(join(bundledModelsDir(), 'liver'))).card.version), 'utf8'),
    );
    assert.equal(cache.scores.example_ct_sm.score, c.score);
    lines.length = 0;
    assert.equal(await runCli(['workspace', 'rank', '--workspace', W, '--json']), 0);
    assert.equal(JSON.parse(lines.at(-1)!).cases[0].computedAt, c.computedAt, 'second run reads the cache');
  } finally {
    console.log = log;
  }
});
