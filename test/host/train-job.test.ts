/**
 * Training through the app's API (serve binding) on real CT with liver labels: the job refuses to start
 * without a val case, runs in a job process with curve points and monotonic progress, reports the new model's
 * val Dice beside the active model's, never makes it active, and `models.setActive` on the worse model asks
 * for a confirmation; the inherited plan is readable before Start; Stop ends the job without waiting for the step,
 * or for the validation window in flight.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { readNifti } from '../../engine/io/nifti.js';
import type { TrainParams } from '../../engine/api/contract.js';
import { ApiError } from '../../engine/api/contract.js';
import { sharedData } from '../helpers/data.js';
import { collect, finished, serveBinding, type Binding } from './fixtures.js';

// The study's U-Net at a 16³ patch on a 6 mm grid, 4 steps: seconds per run on two cores.
const SHORT: TrainParams = {
  plan: {
    budget: { epochs: 2, stepsPerEpoch: 2 },
    sampling: { patch: [16, 16, 16], batch: 1 },
    preprocess: { spacing: [6, 6, 6] },
    validation: { everyEpochs: 1 },
  },
  device: 'cpu',
};

async function addCase(b: Binding, image: string, label: string, split: 'train' | 'val'): Promise<string> {
  const caseId = (await b.api.workspace.importPaths({ paths: [sharedData(image)] })).imported[0];
  const seg = await readNifti(sharedData(label));
  await b.api.labels.save({
    caseId,
    parent: null,
    data: Uint8Array.from(seg.data as ArrayLike<number>, (v) => (v === 5 ? 1 : 0)),
    source: 'import',
  });
  await b.api.workspace.setStatus({ caseId, status: 'verified' });
  await b.api.workspace.setSplit({ caseIds: [caseId], split });
  return caseId;
}

describe('training job', () => {
  let b: Binding;
  before(async () => {
    b = await serveBinding();
    await addCase(b, 'totalsegmentator/example_ct_sm.nii.gz', 'totalsegmentator/example_seg.nii.gz', 'train');
  });
  after(() => b.close());

  it('refuses to train without a val case, saying how to add one or to pass noVal', async () => {
    const job = await b.api.jobs.train({ ...SHORT, name: 'no-val' });
    const end = await finished(b.api, job.id, 120000);
    assert.equal(end.state, 'failed');
    assert.equal(end.error?.code, 'E_WORKSPACE');
    assert.match(end.error?.message ?? '', /no verified val case.*--no-val/s);
    assert.ok(!(await b.api.models.list()).some((m) => m.id === 'no-val'));
  });

  it("trains with curve points and progress, reports its val Dice beside the active model's, and is never made active", async () => {
    await addCase(b, 'totalsegmentator/example_ct.nii.gz', 'totalsegmentator/example_seg_fast_force_split.nii.gz', 'val');
    const metrics = collect(b.api, 'jobs.didReportMetric');
    const progress = collect(b.api, 'jobs.didProgress');
    const job = await b.api.jobs.train({ ...SHORT, name: 'tiny' });
    const end = await finished(b.api, job.id, 600000);
    metrics.stop();
    progress.stop();
    assert.equal(end.state, 'succeeded', JSON.stringify(end.error));
    assert.equal(end.result?.kind, 'train');
    if (end.result?.kind !== 'train') return;
    assert.equal(end.result.modelId, 'tiny');
    assert.equal(end.result.device, 'cpu');
    const s = end.result.selection;
    assert.ok(s && s.baseModel === 'liver' && s.baseDice !== null, JSON.stringify(s));
    assert.deepEqual(s.cases, ['example_ct']);
    const steps = metrics.events.filter((m) => m.jobId === job.id && m.loss !== undefined);
    assert.deepEqual(
      steps.map((m) => m.step),
      [1, 2, 3, 4],
    );
    assert.ok(steps.every((m) => Number.isFinite(m.loss) && Number.isFinite(m.lr)));
    const fractions = progress.events.filter((e) => e.jobId === job.id).map((e) => e.progress.fraction);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1]);
    assert.ok(
      progress.events.some((e) => /epoch \d+\/2/.test(e.progress.stage)),
      'progress names the epoch',
    );
    const models = await b.api.models.list();
    const model = models.find((m) => m.id === 'tiny');
    assert.equal(model?.origin, 'workspace');
    assert.equal(model?.active, false);
    assert.deepEqual(model?.selection, s);
    assert.deepEqual(
      models.filter((m) => m.active).map((m) => [m.id, m.origin]),
      [['liver', 'bundled']],
    );
  });

  it('setting active a model that scored worse than the active one asks for confirmation, naming both Dice values', async () => {
    const tiny = (await b.api.models.list()).find((m) => m.id === 'tiny');
    assert.ok(
      tiny?.selection && tiny.selection.baseDice !== null && tiny.selection.dice < tiny.selection.baseDice,
      'a 4-step model is worse',
    );
    await assert.rejects(
      b.api.models.setActive({ modelId: 'tiny' }),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === 'E_INVALID_ARGUMENT' &&
        e.message.includes(tiny.selection!.dice.toFixed(4)) &&
        e.message.includes(tiny.selection!.baseDice!.toFixed(4)),
    );
    assert.equal((await b.api.workspace.info()).activeModel, 'liver');
    const set = await b.api.models.setActive({ modelId: 'tiny', confirmWorse: true });
    assert.equal(set.active, true);
    // Going back to the better model needs no confirmation.
    assert.equal((await b.api.models.setActive({ modelId: 'liver' })).active, true);
  });

  it("shows the plan a fine-tune inherits before it starts: the bundled model's recipe with the fine-tune budget", async () => {
    const plan = await b.api.models.trainPlan({ fromModel: 'liver' });
    assert.equal(plan.optimizer.kind, 'adam');
    assert.equal(plan.inference.threshold, 0.3);
    assert.deepEqual(plan.budget, { epochs: 10, stepsPerEpoch: 40, minutes: 15 });
    const scratch = await b.api.models.trainPlan({});
    assert.equal(scratch.optimizer.kind, 'novograd');
    assert.equal(scratch.budget.minutes, null);
  });

  it('Stop ends a run at once, not after the step in flight: well inside the time one step takes', async () => {
    const job = await b.api.jobs.train({
      ...SHORT,
      plan: { ...SHORT.plan, budget: { epochs: 200, stepsPerEpoch: 2 }, sampling: { patch: [48, 48, 48], batch: 2 } },
      name: 'never',
    });
    const metrics = collect(b.api, 'jobs.didReportMetric');
    // Two finished steps give the time a step takes on this machine now; Stop comes right after the second.
    const stepTimes: number[] = [];
    await new Promise<void>((resolve) => {
      const sub = b.api.on('jobs.didReportMetric', (m) => {
        if (m.jobId !== job.id || m.loss === undefined) return;
        stepTimes.push(performance.now());
        if (stepTimes.length === 2) {
          sub.dispose();
          resolve();
        }
      });
    });
    const stepSeconds = (stepTimes[1] - stepTimes[0]) / 1000;
    const stopAt = performance.now();
    await b.api.jobs.cancel({ jobId: job.id });
    const end = await finished(b.api, job.id, 120000);
    const seconds = (performance.now() - stopAt) / 1000;
    metrics.stop();
    assert.equal(end.state, 'cancelled', JSON.stringify(end.error));
    assert.ok(seconds < stepSeconds / 2, `stopped in ${seconds.toFixed(2)} s; one step takes ${stepSeconds.toFixed(2)} s`);
    const afterStop = metrics.events.filter((m) => m.jobId === job.id && m.loss !== undefined && m.step > 2);
    assert.deepEqual(afterStop, [], 'no step finished after Stop');
    assert.ok(!(await readdir(b.workspace.modelsDir())).some((f) => f.startsWith('never')));
  });

  it('Stop during validation ends the job within a second, not after the validation window in flight', async (t) => {
    // At 4 mm one 96×80×96 window covers the whole val scan (92×76×84), so a validation is one long window; with one
    // step per epoch, every step is followed by a validation.
    const job = await b.api.jobs.train({
      ...SHORT,
      plan: {
        ...SHORT.plan,
        budget: { epochs: 50, stepsPerEpoch: 1 },
        sampling: { patch: [96, 80, 96], batch: 1 },
        preprocess: { spacing: [4, 4, 4] },
      },
      name: 'never-val',
    });
    const metrics = collect(b.api, 'jobs.didReportMetric');
    const at = { steps: [] as number[], validations: [] as number[] };
    await new Promise<void>((resolve) => {
      const sub = b.api.on('jobs.didReportMetric', (m) => {
        if (m.jobId !== job.id) return;
        if (m.loss !== undefined) at.steps.push(performance.now());
        if (m.valDice !== undefined) at.validations.push(performance.now());
        if (at.steps.length === 2) {
          sub.dispose();
          resolve();
        }
      });
    });
    // The first validation (step 1 to its Dice) is the time one window takes; the second is now running.
    const windowSeconds = (at.validations[0] - at.steps[0]) / 1000;
    await new Promise((r) => setTimeout(r, Math.min(1000, (windowSeconds * 1000) / 3)));
    const stopAt = performance.now();
    await b.api.jobs.cancel({ jobId: job.id });
    const end = await finished(b.api, job.id, 120000);
    const seconds = (performance.now() - stopAt) / 1000;
    metrics.stop();
    t.diagnostic(`validation window ${windowSeconds.toFixed(2)} s; Stop took ${seconds.toFixed(2)} s`);
    assert.equal(end.state, 'cancelled', JSON.stringify(end.error));
    assert.ok(windowSeconds > 2, `a validation window takes ${windowSeconds.toFixed(2)} s: long enough to tell waiting for it`);
    // A second; on a machine so loaded that a window takes far longer, a third of the window (waiting for it would take
    // the rest of it: Stop comes at most a second in).
    const bound = Math.max(1, windowSeconds / 3);
    assert.ok(seconds < bound, `stopped in ${seconds.toFixed(2)} s during a validation window of ${windowSeconds.toFixed(2)} s`);
    const validatedAfterStop = metrics.events.filter((m) => m.jobId === job.id && m.valDice !== undefined && m.step >= 2);
    assert.deepEqual(validatedAfterStop, [], 'the validation in flight reported nothing after Stop');
  });
});
