import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraining, type RunTrainingOptions } from '../../engine/training/run/run-training.js';
import type { TrainEvent } from '../../engine/training/run/events.js';
import { RunFolder } from '../../engine/training/run/run-state.js';
import { loadModelPackage } from '../../engine/models/package.js';
import { LobuleError } from '../../engine/errors.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import type { PlanOverride } from '../../engine/common/train-plan/schema.js';
import { networkFromOnnx } from '../../engine/training/run/from-model.js';
import { segmentVolume } from '../../engine/inference/segment.js';
import { loadVolume } from '../../engine/io/load.js';
import { sharedData } from '../helpers/data.js';
import { buildLiverWorkspace, PATIENT_A, PATIENT_A_TOP, PATIENT_B } from './workspace-fixture.js';
import { TINY_NETWORK } from './tiny-network.js';

let root: string;
let ws: string;
let testCaseFiles: string[] = [];

const TINY_PLAN: PlanOverride = {
  network: TINY_NETWORK,
  budget: { epochs: 2, stepsPerEpoch: 2, minutes: null },
  sampling: { patch: [16, 16, 16], batch: 2 },
  preprocess: { spacing: [6, 6, 6] },
  validation: { everyEpochs: 1 },
  checkpointEvery: 100,
  seeds: { train: 3 },
};

function options(extra: Partial<RunTrainingOptions> = {}, ...more: PlanOverride[]): RunTrainingOptions {
  return {
    workspaceDir: ws,
    overrides: [{ source: 'test plan', override: TINY_PLAN }, ...more.map((override) => ({ source: 'test override', override }))],
    command: 'lobule train --workspace WS (test)',
    device: 'cpu',
    ...extra,
  };
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lobule-train-run-'));
  ws = join(root, 'ws');
  const [, , testId] = await buildLiverWorkspace(ws, [PATIENT_A, { ...PATIENT_A_TOP, split: 'val' }, { ...PATIENT_B, split: 'test' }]);
  // The test case's files are removed: a run that opened them would fail, so a finished run proves it never did.
  const w = await Workspace.open(ws, { readOnly: true });
  testCaseFiles = [w.imagePath(testId), ...w.labelHistory(testId).map((v) => join(ws, v.file))];
  await w.close();
  for (const f of testCaseFiles) await unlink(f);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a few-step run records val Dice, writes a loadable package with its card, and never reads the test split', async () => {
  const events: TrainEvent[] = [];
  const r = await runTraining(options({ name: 'liver-test' }), { onEvent: (e) => events.push(e) });
  assert.equal(r.steps, 4);
  const vals = events.filter((e) => e.type === 'validation');
  assert.equal(vals.length, 2);
  assert.ok(r.bestValDice !== null && r.bestValDice >= 0 && r.bestValDice <= 1);
  assert.deepEqual(Object.keys(r.perCaseValDice), ['example_ct_sm']);
  const pkg = await loadModelPackage(r.modelDir);
  assert.equal(pkg.card.name, 'liver-test');
  assert.deepEqual(pkg.card.preprocessing.targetSpacing, [6, 6, 6]);
  assert.deepEqual(pkg.card.preprocessing.patchSize, [16, 16, 16]);
  assert.equal(pkg.card.provenance.metrics?.modelGridValDice, r.bestValDice);
  // The card's val Dice is the full segment pipeline's, beside the active (bundled) model's on the same case.
  assert.equal(r.selection?.role, 'selection');
  assert.deepEqual(r.selection?.cases, ['example_ct_sm']);
  assert.equal(pkg.card.provenance.metrics?.valDice, r.selection?.candidate.dice);
  assert.equal(r.selection?.base?.model, 'liver');
  assert.equal(pkg.card.provenance.metrics?.activeModelValDice, r.selection?.base?.dice);
  assert.equal(pkg.card.provenance.trainingCommand, 'lobule train --workspace WS (test)');
  assert.match(
    pkg.card.provenance.data ?? '',
    /example_ct \(image sha256 [0-9a-f]{64}, label sha256 [0-9a-f]{64}, imported from \S+example_ct\.nii\.gz\)/,
  );
  const record = JSON.parse(await readFile(join(r.modelDir, 'training.json'), 'utf8'));
  assert.deepEqual(
    record.train.map((c: { id: string }) => c.id),
    ['example_ct'],
  );
  assert.deepEqual(
    record.val.map((c: { id: string }) => c.id),
    ['example_ct_sm'],
  );
  assert.deepEqual(record.plan.network, TINY_NETWORK);
  assert.equal(record.device, 'cpu');
});

test('cancel writes a checkpoint and --resume continues from the saved step exactly as an uninterrupted run', async () => {
  const full: TrainEvent[] = [];
  await runTraining(options({ name: 'liver-full' }), { onEvent: (e) => full.push(e) });
  const controller = new AbortController();
  const first: TrainEvent[] = [];
  let runId = '';
  await assert.rejects(
    runTraining(options({ name: 'liver-resumed' }), {
      signal: controller.signal,
      onEvent: (e) => {
        first.push(e);
        if (e.type === 'start') runId = e.runId;
        if (e.type === 'step' && e.step === 3) controller.abort();
      },
    }),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_CANCELLED',
  );
  assert.ok(
    first.some((e) => e.type === 'checkpoint' && e.step === 3),
    'cancel wrote a checkpoint at step 3',
  );
  const { state } = await RunFolder.open(join(ws, 'runs'), runId);
  assert.equal(state.step, 3);
  assert.equal(state.status, 'stopped');
  const second: TrainEvent[] = [];
  const r = await runTraining(options({ resume: runId }), { onEvent: (e) => second.push(e) });
  const stage = second.find((e) => e.type === 'stage');
  assert.equal(stage?.type === 'stage' && stage.startStep, 3);
  const steps = second.filter((e) => e.type === 'step');
  assert.deepEqual(
    steps.map((e) => e.type === 'step' && e.step),
    [4],
  );
  const lossAt = (evs: TrainEvent[], s: number) => evs.find((e) => e.type === 'step' && e.step === s);
  const a = lossAt(full, 4);
  const b = lossAt(second, 4);
  assert.ok(a?.type === 'step' && b?.type === 'step');
  assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `step 4 loss: uninterrupted ${a.loss}, resumed ${b.loss}`);
  assert.equal(r.modelId, 'liver-resumed');
  await assert.rejects(
    runTraining(options({ resume: runId })),
    (e: unknown) => e instanceof LobuleError && /already finished/.test(e.message),
  );
});

test('--stage both trains a coarse ROI model and a fine model on the crop; the package segments through both', async () => {
  const stages: string[] = [];
  const r = await runTraining(
    options(
      { name: 'liver-two-stage' },
      { stage: 'both', budget: { epochs: 1 }, sampling: { batch: 1 }, coarse: { resizeTo: [16, 16, 16], margin: 4 }, seeds: { train: 1 } },
    ),
    { onEvent: (e) => e.type === 'stage' && stages.push(e.stage) },
  );
  assert.deepEqual(stages, ['coarse', 'fine']);
  assert.equal(r.steps, 4);
  const pkg = await loadModelPackage(r.modelDir);
  assert.deepEqual(pkg.card.coarse?.resizeTo, [16, 16, 16]);
  assert.equal(pkg.card.coarse?.margin, 4);
  assert.ok(pkg.coarseModelBytes && pkg.coarseModelBytes.length > 0);
  const image = await loadVolume(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  const seg = await segmentVolume(image, pkg, { device: 'cpu' });
  assert.deepEqual(seg.labels.dims, image.dims);
});

test("--stage both validates the fine model on the coarse model's ROI, so its recorded val Dice is what segment gives", async () => {
  // Threshold 0.001 makes both networks call (almost) every voxel liver, so a Dice depends only on the region
  // the fine model is run on: the coarse model's box (the whole volume here) or the label's own box.
  const r = await runTraining(
    options(
      { name: 'liver-two-stage-val' },
      {
        stage: 'both',
        budget: { epochs: 1 },
        sampling: { batch: 1 },
        coarse: { resizeTo: [16, 16, 16], margin: 4 },
        inference: { threshold: 0.001 },
        seeds: { train: 1 },
      },
    ),
  );
  assert.ok(r.bestValDice !== null && r.selection, 'a val case was scored');
  const throughSegment = r.selection.candidate.dice;
  assert.ok(Math.abs(r.bestValDice - throughSegment) < 0.03, `recorded ${r.bestValDice} vs segment ${throughSegment}`);
  // What validation on the label's box (plus the margin) would have recorded instead: far higher.
  const label = await loadVolume(sharedData(PATIENT_A_TOP.label));
  const [nx, ny] = label.dims;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  let liver = 0;
  label.data.forEach((v, i) => {
    if (v !== 5) return;
    liver++;
    const at = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
    at.forEach((c, a) => {
      lo[a] = Math.min(lo[a], c);
      hi[a] = Math.max(hi[a], c);
    });
  });
  const marginVoxels = (4 * 6) / 3; // 4 model voxels of 6 mm on this 3 mm grid
  const box = [0, 1, 2].reduce((n, a) => n * Math.min(hi[a] - lo[a] + 1 + 2 * marginVoxels, label.dims[a]), 1);
  const onLabelBox = (2 * liver) / (box + liver);
  assert.ok(onLabelBox - r.bestValDice > 0.1, `label-box Dice ${onLabelBox.toFixed(3)} vs recorded ${r.bestValDice.toFixed(3)}`);
});

test('--from fine-tunes a trained package: its spec, weights and preprocessing carry over', async () => {
  const base = await loadModelPackage(join(ws, 'models', 'liver-test'));
  const events: TrainEvent[] = [];
  const r = await runTraining(
    {
      workspaceDir: ws,
      name: 'liver-tuned',
      from: 'liver-test',
      device: 'cpu',
      overrides: [
        {
          source: 'test',
          override: { budget: { epochs: 1, stepsPerEpoch: 1 }, sampling: { batch: 1 }, optimizer: { kind: 'sgd', lr: 1e-9 } },
        },
      ],
    },
    { onEvent: (e) => events.push(e) },
  );
  const tuned = await loadModelPackage(r.modelDir);
  assert.deepEqual(tuned.card.preprocessing.targetSpacing, base.card.preprocessing.targetSpacing);
  const before = networkFromOnnx(base.modelBytes, 'base').weights;
  const after = networkFromOnnx(tuned.modelBytes, 'tuned');
  assert.deepEqual(after.spec, TINY_NETWORK);
  // One SGD step at lr 1e-9 leaves the weights where fine-tuning started.
  for (const [name, w] of before) {
    const a = after.weights.get(name);
    assert.ok(a);
    for (let i = 0; i < w.data.length; i += 7) assert.ok(Math.abs(w.data[i] - a.data[i]) < 1e-5, name);
  }
  const record = JSON.parse(await readFile(join(r.modelDir, 'training.json'), 'utf8'));
  assert.equal(record.from, 'liver-test');
});

test('a run refuses, before training, to replace a folder that already has its model name', async () => {
  const taken = join(ws, 'models', 'taken');
  await mkdir(taken, { recursive: true });
  await writeFile(join(taken, 'notes.txt'), 'mine');
  await assert.rejects(runTraining(options({ name: 'taken' })), /taken already exists/);
  assert.equal(await readFile(join(taken, 'notes.txt'), 'utf8'), 'mine');
});

test('the test split files are still absent and were never needed', async () => {
  for (const f of testCaseFiles) await assert.rejects(readFile(f), { code: 'ENOENT' });
});
