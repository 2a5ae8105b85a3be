/**
 * The training plan: one schema and one defaults file, plan files that inherit (with cycles refused), CLI flags
 * and API params as overrides of it, and fine-tuning inheriting the base model's plan with its fine-tune budget.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LobuleError } from '../../engine/errors.js';
import { STUDY_PLAN } from '../../engine/common/train-plan/defaults.js';
import { fineTunePlan, mergePlan } from '../../engine/common/train-plan/merge.js';
import { PlanOverrideSchema } from '../../engine/common/train-plan/schema.js';
import { fieldValue, PLAN_FIELDS } from '../../engine/common/train-plan/fields.js';
import { loadPlanFile } from '../../engine/training/plan/load.js';
import { classMapping, mapCaseLabel } from '../../engine/training/plan/classes.js';
import { resolveRunPlan } from '../../engine/training/run/run-training.js';
import { optimizerFor } from '../../engine/training/run/hyper.js';
import { flagsOverride } from '../../cli/commands/train.js';
import { PARAM_SCHEMAS } from '../../engine/api/schemas.js';
import { packageRoot } from '../../engine/paths.js';

const root = await mkdtemp(join(tmpdir(), 'lobule-plan-'));
after(() => rm(root, { recursive: true, force: true }));
const LIVER_PLAN = join(packageRoot(), 'assets', 'models', 'recipes', 'liver', 'plan.json');
const LIVER_V2_PLAN = join(packageRoot(), 'assets', 'models', 'recipes', 'liver-v2', 'plan.json');
const LIVER_V3_PLAN = join(packageRoot(), 'assets', 'models', 'recipes', 'liver-v3', 'plan.json');

test("the liver recipe plans inherit the study's (v1), v1's (v2) and v2's (v3); v3's is the bundled model's recorded plan", async () => {
  const liver = await loadPlanFile(LIVER_PLAN);
  assert.equal(liver.optimizer.kind, 'adam');
  assert.deepEqual(liver.optimizer.betas, [0.9, 0.999]); // a new optimizer kind brings its own defaults
  assert.equal(liver.inference.threshold, 0.3);
  assert.deepEqual(liver.sampling.patch, [64, 64, 16]);
  assert.deepEqual(liver.schedule, STUDY_PLAN.schedule); // not stated in the file: inherited
  const v2 = await loadPlanFile(LIVER_V2_PLAN);
  assert.deepEqual(v2.sampling, liver.sampling, 'v2 inherits what it does not state');
  const v3 = await loadPlanFile(LIVER_V3_PLAN);
  assert.deepEqual(v3.augment, v2.augment, 'v3 inherits what it does not state');
  assert.equal(v3.coarse.from, 'liver');
  const bundled = (await resolveRunPlan({ from: 'liver' })).inherited;
  // A fine-tune takes the coarse network from the package, not from the model the recipe named.
  assert.equal(bundled.coarse.from, null);
  const recipe = { ...v3, coarse: { ...v3.coarse, from: null } };
  for (const key of Object.keys(recipe) as (keyof typeof recipe)[]) {
    if (key === 'description' || key === 'budget' || key === 'validation') continue;
    assert.ok(isDeepStrictEqual(recipe[key], bundled[key]), `${key} differs`);
  }
});

test('a plan file chain applies overrides root first, and a cycle is an error naming the files', async () => {
  const a = join(root, 'a.json');
  const b = join(root, 'b.json');
  await writeFile(a, JSON.stringify({ inheritsFrom: LIVER_PLAN, optimizer: { lr: 5e-4 } }));
  await writeFile(b, JSON.stringify({ inheritsFrom: 'a.json', budget: { minutes: 3 } }));
  const plan = await loadPlanFile(b);
  assert.equal(plan.optimizer.lr, 5e-4);
  assert.equal(plan.optimizer.kind, 'adam');
  assert.equal(plan.budget.minutes, 3);
  await writeFile(a, JSON.stringify({ inheritsFrom: 'b.json' }));
  await assert.rejects(
    loadPlanFile(b),
    (e: unknown) => e instanceof LobuleError && /inherits from itself/.test(e.message) && e.message.includes('a.json'),
  );
  await writeFile(a, JSON.stringify({ optimizer: { lrr: 1 } }));
  await assert.rejects(loadPlanFile(a), (e: unknown) => e instanceof LobuleError && /optimizer/.test(e.message));
});

test("SGD momentum is part of the plan and reaches the optimizer; switching kind brings that kind's defaults", () => {
  const r = mergePlan(STUDY_PLAN, { optimizer: { kind: 'sgd' } });
  assert.ok(r.ok);
  assert.deepEqual(optimizerFor(r.plan), { kind: 'sgd', momentum: 0.99, nesterov: true, weightDecay: 0 });
  const r2 = mergePlan(r.plan, { optimizer: { momentum: 0.9 } });
  assert.ok(r2.ok && optimizerFor(r2.plan).kind === 'sgd' && (optimizerFor(r2.plan) as { momentum: number }).momentum === 0.9);
  const bad = mergePlan(STUDY_PLAN, { sampling: { batch: 0 } });
  assert.ok(!bad.ok && /sampling\.batch/.test(bad.message));
});

test("CLI flags and the API's plan param are the same override type, generated from one field table", () => {
  const flags = flagsOverride({ minutes: '5', lr: '2e-4', patch: '32,32,16', 'label-map': '5:1,*:0', 'val-every': '1' });
  assert.ok(flags);
  const viaApi = PARAM_SCHEMAS['jobs.train'].safeParse({ plan: flags.override });
  assert.ok(viaApi.success);
  const r = mergePlan(STUDY_PLAN, flags.override);
  assert.ok(r.ok);
  assert.equal(r.plan.budget.minutes, 5);
  assert.equal(r.plan.optimizer.lr, 2e-4);
  assert.deepEqual(r.plan.sampling.patch, [32, 32, 16]);
  assert.equal(r.plan.labelMap, '5:1,*:0');
  assert.equal(r.plan.validation.everyEpochs, 1);
  assert.throws(() => flagsOverride({ epochs: 'ten' }), /--epochs ten is not an integer/);
  assert.ok(!PARAM_SCHEMAS['jobs.train'].safeParse({ plan: { epochs: 3 } }).success, 'an unknown plan field is refused');
  assert.ok(!PlanOverrideSchema.safeParse({ budget: { epochs: -1 } }).success);
  for (const f of PLAN_FIELDS) assert.notEqual(fieldValue(STUDY_PLAN, f.key), undefined, `${f.key} points into the plan`);
});

test('fine-tuning keeps the bundled plan (loss, optimizer, lr, threshold, patch, spacings, augmentation) on its own budget', async () => {
  const { plan, inherited } = await resolveRunPlan({
    from: 'liver',
    overrides: [{ source: 'test', override: { optimizer: { lr: 3e-4 } } }],
  });
  const liver = await loadPlanFile(LIVER_V3_PLAN);
  assert.equal(plan.loss.kind, 'dice_ce');
  assert.equal(plan.loss.overBatch, true);
  assert.equal(plan.optimizer.kind, 'adam');
  assert.equal(plan.optimizer.lr, 3e-4);
  assert.equal(inherited.optimizer.lr, 1e-4);
  assert.equal(plan.inference.threshold, 0.3);
  assert.deepEqual(plan.sampling.patch, [64, 64, 16]);
  assert.deepEqual(plan.preprocess.spacing, [2, 2, 2]);
  assert.deepEqual(plan.coarse.spacing, [3, 3, 3], 'the coarse stage of the two-stage model is kept');
  assert.deepEqual(plan.augment, liver.augment);
  assert.deepEqual(plan.budget, fineTunePlan(liver).budget);
  assert.deepEqual(plan.budget, { epochs: 10, stepsPerEpoch: 40, minutes: 15 });
  assert.ok(plan.validation.minFraction >= 0.5, 'early stopping gives a fine-tune at least half its budget');
  await assert.rejects(
    resolveRunPlan({ from: 'liver', overrides: [{ source: '--spec', override: { network: { channels: [4, 8] } } }] }),
    /network differs/,
  );
});

test('labels map to classes by name; an unnamed value is an error listing the values and the --label-map fix', () => {
  const names = { background: 0, liver: 1, spleen: 7 };
  const byName = classMapping(STUDY_PLAN, names);
  assert.deepEqual([...mapCaseLabel('c1', [0, 1, 1], byName, STUDY_PLAN, names)], [0, 1, 1]);
  assert.throws(
    () => mapCaseLabel('c1', [0, 1, 5, 7], byName, STUDY_PLAN, names),
    (e: unknown) => e instanceof LobuleError && /case c1 has label values 5, 7 \(spleen\)/.test(e.message) && /--label-map/.test(e.message),
  );
  const explicit = classMapping({ ...STUDY_PLAN, labelMap: '5:1,*:0' }, names);
  assert.deepEqual([...mapCaseLabel('c1', [0, 5, 6, 7], explicit, STUDY_PLAN, names)], [0, 1, 0, 0]);
  assert.throws(() => classMapping({ ...STUDY_PLAN, labelMap: '5:2' }, names), /not a class of the plan/);
});
