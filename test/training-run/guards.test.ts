/**
 * The guards of the retrain loop, through `lobule train` on real CT (../shared/data): no val case, a label value
 * the plan does not name, an explicit device that is not there, a candidate worse than the active model, and
 * a coarse-only run. Budgets are a few steps, so each run takes seconds.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { writeTinyPlainSpec } from './tiny-network.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { loadLabelsOnto, loadVolume } from '../../engine/io/load.js';
import { loadModelPackage } from '../../engine/models/package.js';
import { segmentVolume } from '../../engine/inference/segment.js';
import { bundledModelsDir, packageRoot } from '../../engine/paths.js';
import { sharedData } from '../helpers/data.js';
import { buildLiverWorkspace, PATIENT_A, PATIENT_A_TOP } from './workspace-fixture.js';

const root = await mkdtemp(join(tmpdir(), 'lobule-train-guards-'));
after(() => rm(root, { recursive: true, force: true }));

/** A tiny budget for the bundled model's network (patches must be multiples of 16). */
const TINY_FROM_LIVER = ['--epochs', '1', '--steps-per-epoch', '2', '--batch', '1', '--patch', '16,16,16'];
const TINY_SCRATCH = ['--epochs', '1', '--steps-per-epoch', '2', '--batch', '1', '--patch', '16', '--spacing', '6'];

const tinySpec = (): Promise<string> => writeTinyPlainSpec(join(root, 'tiny-spec.json'));

const ws = join(root, 'ws');
await buildLiverWorkspace(ws, [PATIENT_A, { ...PATIENT_A_TOP, split: 'val' }]);

test('with no val case, training refuses and says what to do; --no-val trains and claims no val Dice', async () => {
  const noVal = join(root, 'ws-noval');
  await buildLiverWorkspace(noVal, [{ ...PATIENT_A_TOP, split: 'train' }]);
  const refused = await runCliCaptured(['train', '--workspace', noVal, '--from', 'liver', ...TINY_FROM_LIVER]);
  assert.equal(refused.code, 1);
  const text = refused.err.join('\n');
  assert.match(text, /no verified val case/);
  assert.match(text, /set-split CASE val/);
  assert.match(text, /--no-val/);
  assert.ok(
    !existsSync(join(noVal, 'runs')) || (await readdir(join(noVal, 'runs'))).filter((f) => f.startsWith('run-')).length === 0,
    'nothing ran',
  );
  const ran = await runCliCaptured(['train', '--workspace', noVal, '--from', 'liver', '--no-val', '--name', 'blind', ...TINY_FROM_LIVER]);
  assert.equal(ran.code, 0, ran.err.join('\n'));
  assert.match(ran.out.join('\n'), /no val Dice is claimed/);
  const pkg = await loadModelPackage(join(noVal, 'models', 'blind'));
  assert.equal(pkg.card.provenance.metrics?.valDice, undefined);
  const record = JSON.parse(await readFile(join(noVal, 'models', 'blind', 'training.json'), 'utf8'));
  assert.equal(record.noVal, true);
  assert.equal(record.selection, null);
});

test('a label value the plan does not name stops the run, listing the values and the --label-map fix; the map makes it train', async () => {
  const raw = join(root, 'ws-raw');
  const w = await Workspace.init(raw);
  try {
    for (const [image, label, split] of [
      ['totalsegmentator/example_ct_sm.nii.gz', 'totalsegmentator/example_seg.nii.gz', 'train'],
      ['totalsegmentator/example_ct.nii.gz', 'totalsegmentator/example_seg_fast_force_split.nii.gz', 'val'],
    ] as const) {
      const id = (await w.importPaths([sharedData(image)])).imported[0].caseId;
      const labels = await loadLabelsOnto(sharedData(label), await w.readImage(id));
      await w.saveLabel(id, labels, { source: 'import', status: 'verified', parent: null });
      await w.setSplit(id, split);
    }
  } finally {
    await w.close();
  }
  const spec = await tinySpec();
  const refused = await runCliCaptured(['train', '--workspace', raw, '--spec', spec, ...TINY_SCRATCH]);
  assert.equal(refused.code, 1);
  const text = refused.err.join('\n');
  assert.match(text, /case example_ct_sm has label values 2, 3, .*5/);
  assert.match(text, /plan's classes \(1 liver\) do not name/);
  assert.match(text, /--label-map '2:1,\*:0'|--label-map/);
  const mapped = await runCliCaptured([
    'train',
    '--workspace',
    raw,
    '--spec',
    spec,
    '--label-map',
    '5:1,*:0',
    '--name',
    'mapped',
    ...TINY_SCRATCH,
  ]);
  assert.equal(mapped.code, 0, mapped.err.join('\n'));
  const record = JSON.parse(await readFile(join(raw, 'models', 'mapped', 'training.json'), 'utf8'));
  assert.equal(record.classMapping, '5:1,*:0');
});

test('an explicit device that is not available is an error naming it and the fix, before any case is read', async () => {
  const r = await runCliCaptured(['train', '--workspace', ws, '--from', 'liver', '--device', 'cuda', '--json', ...TINY_FROM_LIVER]);
  assert.equal(r.code, 1);
  assert.match(r.err.join('\n'), /device 'cuda' was asked for training/);
  assert.match(r.err.join('\n'), /--device cpu or auto/);
  const events = r.out.map((l) => JSON.parse(l) as { type: string });
  assert.ok(!events.some((e) => e.type === 'preprocess' || e.type === 'step'));
});

test("a worse candidate is printed beside the active model's Dice, said to be worse, and never made active", async () => {
  const spec = await tinySpec();
  const r = await runCliCaptured(['train', '--workspace', ws, '--spec', spec, '--name', 'worse', ...TINY_SCRATCH]);
  assert.equal(r.code, 0, r.err.join('\n'));
  const text = r.out.join('\n');
  const base = /\n {2}liver +(\d\.\d{4}) +\(active model\)/.exec(text);
  const cand = /\n {2}worse +(\d\.\d{4}) +\(new\)/.exec(text);
  assert.ok(base && cand, text);
  assert.ok(Number(cand[1]) < Number(base[1]));
  assert.match(text, /the new model is NOT better/);
  const record = JSON.parse(await readFile(join(ws, 'models', 'worse', 'training.json'), 'utf8'));
  assert.equal(record.selection.base.model, 'liver');
  assert.deepEqual(record.selection.cases, ['example_ct_sm']);
  assert.equal(record.selection.better, false);
  assert.equal(record.device, 'cpu');
  assert.ok(!existsSync(join(ws, 'models', 'active.json')), 'training set no model active');
});

test("--stage coarse trains a coarse ROI model paired with the --from model's fine model, and the package segments", async () => {
  const refused = await runCliCaptured(['train', '--workspace', ws, '--stage', 'coarse', ...TINY_SCRATCH, '--spec', await tinySpec()]);
  assert.equal(refused.code, 1);
  assert.match(refused.err.join('\n'), /coarse-only run .*--from MODEL/);
  const plan = join(root, 'coarse-plan.json');
  // The kept fine model works at its own spacing; the new coarse model is a resizeTo one.
  const spacing = (await loadModelPackage(join(bundledModelsDir(), 'liver'))).card.preprocessing.targetSpacing;
  await writeFile(
    plan,
    JSON.stringify({
      inheritsFrom: join(packageRoot(), 'assets', 'models', 'recipes', 'liver', 'plan.json'),
      preprocess: { spacing },
      coarse: { resizeTo: [32, 32, 16], margin: 8 },
    }),
  );
  const r = await runCliCaptured([
    'train',
    '--workspace',
    ws,
    '--from',
    'liver',
    '--plan',
    plan,
    '--stage',
    'coarse',
    '--name',
    'with-roi',
    ...TINY_FROM_LIVER,
  ]);
  assert.equal(r.code, 0, r.err.join('\n'));
  const pkg = await loadModelPackage(join(ws, 'models', 'with-roi'));
  assert.deepEqual(pkg.card.coarse?.resizeTo, [32, 32, 16]);
  const bundled = await loadModelPackage(join(bundledModelsDir(), 'liver'));
  assert.deepEqual(pkg.modelBytes, bundled.modelBytes, 'the fine model is the --from model');
  const image = await loadVolume(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  const seg = await segmentVolume(image, pkg, { device: 'cpu' });
  assert.deepEqual(seg.labels.dims, image.dims);
});

test("coarse.from takes another model's (ROI) network unchanged as the coarse stage of a fine run at its own spacing", async () => {
  const plan = join(root, 'coarse-from-plan.json');
  const coarse = { spacing: [3, 3, 3], patch: [64, 64, 16], margin: 4, from: 'liver' };
  const recipe = join(packageRoot(), 'assets', 'models', 'recipes', 'liver', 'plan.json');
  await writeFile(plan, JSON.stringify({ inheritsFrom: recipe, stage: 'fine', preprocess: { spacing: [4, 4, 4] }, coarse }));
  const both = await runCliCaptured(['train', '--workspace', ws, '--from', 'liver', '--plan', plan, '--stage', 'both', ...TINY_FROM_LIVER]);
  assert.equal(both.code, 1);
  assert.match(both.err.join('\n'), /coarse\.from \(liver\).*trains only the fine stage/);
  const r = await runCliCaptured(['train', '--workspace', ws, '--from', 'liver', '--plan', plan, '--name', 'paired', ...TINY_FROM_LIVER]);
  assert.equal(r.code, 0, r.err.join('\n'));
  const pkg = await loadModelPackage(join(ws, 'models', 'paired'));
  const bundled = await loadModelPackage(join(bundledModelsDir(), 'liver'));
  // The bundled model is two-stage: it lends the network that finds its ROI.
  assert.ok(bundled.coarseModelBytes);
  assert.deepEqual(pkg.coarseModelBytes, bundled.coarseModelBytes, "the coarse network is the bundled model's, unchanged");
  assert.deepEqual(pkg.card.coarse?.spacing, [3, 3, 3]);
  assert.deepEqual(pkg.card.coarse?.patch, [64, 64, 16]);
  assert.equal(pkg.card.coarse?.resizeTo, undefined);
  assert.deepEqual(pkg.card.preprocessing.targetSpacing, [4, 4, 4]);
  const record = JSON.parse(await readFile(join(ws, 'models', 'paired', 'training.json'), 'utf8'));
  assert.equal(record.plan.coarse.from, 'liver', 'the record says where the coarse network came from');
  const image = await loadVolume(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  const seg = await segmentVolume(image, pkg, { device: 'cpu' });
  assert.deepEqual(seg.labels.dims, image.dims);
});
