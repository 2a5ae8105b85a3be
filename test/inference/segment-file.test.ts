/** segmentFile and `lobule segment`: files in and out, cancellation, errors users see. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNifti } from '../../engine/io/nifti.js';
import { loadModelPackage } from '../../engine/models/package.js';
import { segmentFile } from '../../engine/inference/segment.js';
import { LobuleError } from '../../engine/errors.js';
import { packageRoot } from '../../engine/paths.js';
import { sharedData } from '../helpers/data.js';
import { countDiffs, expectedThreshold, tempDir, thresholdCard, writeThresholdPackage } from './threshold-model.js';

const CT = sharedData('totalsegmentator/example_ct.nii.gz');

function lobule(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const { runCli } = await import('./cli/main.ts'); process.exitCode = await runCli(process.argv.slice(1));",
      ...args,
    ],
    {
      cwd: packageRoot(),
      encoding: 'utf8',
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('cancelling in any stage leaves no output file and no temporary file', async () => {
  const pkg = await loadModelPackage(await writeThresholdPackage(thresholdCard({ targetSpacing: [1.5, 1.5, 1.5], patch: [48, 48, 48] })));
  for (const [stage, after] of [
    ['preprocess', 0],
    ['infer', 0.4],
    ['postprocess', 0],
  ] as const) {
    const outDir = tempDir('cancel');
    const out = join(outDir, 'labels.nii.gz');
    const controller = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      segmentFile(CT, out, {
        model: pkg,
        device: 'cpu',
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.fraction);
          if (p.stage === stage && p.fraction >= after && !controller.signal.aborted) controller.abort();
        },
      }),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_CANCELLED',
      stage,
    );
    assert.ok(
      seen.every((f, i) => i === 0 || f >= seen[i - 1]),
      'progress never goes back',
    );
    assert.ok(seen.at(-1)! < 0.97, `${stage}: stopped before saving (${seen.at(-1)})`);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(outDir), []);
  }
});

test('lobule segment writes labels with exactly the input shape and affine and reports timings as JSON', async () => {
  const model = await writeThresholdPackage(thresholdCard({ targetSpacing: [3, 3, 3] }));
  const out = join(tempDir('cli'), 'seg.nii.gz');
  const r = lobule(['segment', CT, '-o', out, '--model', model, '--device', 'cpu', '--batch', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  for (const key of ['load_s', 'preprocess_s', 'infer_s', 'postprocess_s', 'save_s', 'total_s', 'network_gflop'])
    assert.equal(typeof report[key], 'number', key);
  assert.equal(report.provider, 'cpu');
  assert.equal(report.model, 'threshold@1.0.0');
  const [image, labels] = [await readNifti(CT), await readNifti(out)];
  assert.deepEqual([...labels.dims], [...image.dims]);
  assert.deepEqual([...labels.affine], [...image.affine]);
  assert.ok(labels.data instanceof Uint8Array);
  assert.equal(countDiffs(labels.data as Uint8Array, expectedThreshold(image.data)), 0);
});

test('lobule segment without a usable model says how to get one, and a corrupt model is named', async () => {
  const out = join(tempDir('cli'), 'seg.nii.gz');
  const missing = lobule(['segment', CT, '-o', out, '--model', 'no-such-model']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no model named "no-such-model".*lobule train/s);
  const model = await writeThresholdPackage();
  writeFileSync(join(model, 'model.onnx'), 'garbage');
  const corrupt = lobule(['segment', CT, '-o', out, '--model', model]);
  assert.equal(corrupt.status, 1);
  assert.match(corrupt.stderr, /model\.onnx is not a valid ONNX model/);
  assert.equal(existsSync(out), false);
});

test('segment refuses, before any work, to overwrite its input or to write into a missing folder', async () => {
  const pkg = await loadModelPackage(await writeThresholdPackage());
  let loaded = false;
  const load = async (p: string) => {
    loaded = true;
    return readNifti(p);
  };
  await assert.rejects(
    segmentFile(CT, CT, { model: pkg, device: 'cpu', load }),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_INVALID_ARGUMENT' && e.message.includes('is the input image'),
  );
  const missing = join(tempDir('out'), 'no', 'such', 'seg.nii.gz');
  await assert.rejects(
    segmentFile(CT, missing, { model: pkg, device: 'cpu', load }),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_NOT_FOUND' && e.message.includes('does not exist'),
  );
  assert.equal(loaded, false);
});
