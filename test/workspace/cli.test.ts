import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { inTempDir } from './helpers.js';
import { makeMsdDataset, makeNnunetDataset } from './datasets.js';

/** Runs `lobule ...args` in this process and captures what it prints. */
async function lobule(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    const code = await runCli(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('lobule workspace init / import / split / status / label-history / export end to end', async () => {
  await inTempDir(async (dir) => {
    const ws = join(dir, 'ws');
    assert.equal((await lobule('workspace', 'init', ws)).code, 0);
    const imp = await lobule('workspace', 'import', await makeNnunetDataset(dir), '--nnunet', '--label-map', '5:1,*:0', '--workspace', ws);
    assert.equal(imp.code, 0, imp.err);
    assert.match(imp.out, /imported ts_001 \(labels v1\)/);
    const msd = await lobule('workspace', 'import', await makeMsdDataset(dir), '--msd', '--label-map', '2:1', '--workspace', ws);
    assert.equal(msd.code, 1, 'a skipped case makes the import exit 1');
    assert.match(msd.out, /skipped .*liver_3\.nii\.gz: labels .* are not on the image's voxel grid/);
    assert.match(msd.out, /2 cases imported \(msd\), 1 skipped/);

    const split1 = await lobule(
      'workspace',
      'split',
      '--val',
      '0.34',
      '--test',
      '0.34',
      '--seed',
      '0',
      '--lock-test',
      '--workspace',
      ws,
      '--json',
    );
    assert.equal(split1.code, 0, split1.err);
    const s1 = JSON.parse(split1.out);
    assert.deepEqual(s1.bySplit, { train: 1, val: 1, test: 1, unassigned: 0 });
    assert.equal(s1.lockedTestCases, 1);
    const status = JSON.parse((await lobule('workspace', 'status', '--json', '--workspace', ws)).out);
    assert.deepEqual(status.byStatus, { unlabelled: 1, draft: 0, corrected: 0, verified: 2 });
    const table = await lobule('workspace', 'status', '--workspace', ws);
    assert.match(table.out, /3 cases, 2 label versions; split: seed 0, val 0.34, test 0.34; locked test cases: 1/);

    const hist = await lobule('workspace', 'label-history', 'ts_001', '--workspace', ws);
    assert.match(hist.out, /^v1 {2}parent - {2}\S+ {2}\S+ {2}import {2}sha256 [0-9a-f]{64} {2}voxels 1:41692 \(1125\.7 mL\)$/);

    const out = join(dir, 'out');
    const exp = await lobule('workspace', 'export', '--format', 'nnunet', out, '--workspace', ws);
    assert.equal(exp.code, 0, exp.err);
    const splits = JSON.parse(await readFile(join(out, 'nnUNet_preprocessed', 'Dataset500_Lobule', 'splits_final.json'), 'utf8'));
    assert.equal(splits.length, 1);

    const ts = await lobule('workspace', 'training-statuses', 'verified,corrected', '--workspace', ws);
    assert.equal(ts.code, 0, ts.err);
    assert.deepEqual(JSON.parse((await lobule('workspace', 'status', '--json', '--workspace', ws)).out).trainingStatuses, [
      'verified',
      'corrected',
    ]);
    assert.match(
      (await lobule('workspace', 'training-statuses', 'verified,done', '--workspace', ws)).err,
      /'done' is not a valid case status/,
    );

    const bad = await lobule('workspace', 'split', '--val', 'x', '--workspace', ws);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--val must be a number/);
    const badFormat = await lobule('workspace', 'export', '--format', 'zip', join(dir, 'o2'), '--workspace', ws);
    assert.match(badFormat.err, /'zip' is not a valid export format/);
    const notWs = await lobule('workspace', 'status', '--workspace', dir);
    assert.match(notWs.err, /is not a Lobule workspace .*lobule workspace init/);
  });
});
