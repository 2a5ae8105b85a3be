/**
 * A training job through the API (serve binding) on a real CT with its liver label: the run happens in a job
 * process, reports loss/lr curve points and monotonic progress, and its model appears in models.list; a
 * cancelled run writes no model package.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { readNifti } from '../../engine/io/nifti.js';
import type { TrainParams } from '../../engine/api/contract.js';
import { sharedData } from '../helpers/data.js';
import { collect, finished, serveBinding, type Binding } from './fixtures.js';

// The study's U-Net at a 16³ patch on a 6 mm grid: seconds per run on two cores.
const SHORT: TrainParams = { epochs: 2, patch: 16, batch: 1, stepsPerEpoch: 2, spacing: [6, 6, 6], valEvery: 1, device: 'cpu' };

describe('training job', () => {
  let b: Binding;
  before(async () => {
    b = await serveBinding();
    const caseId = (await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] })).imported[0];
    const seg = await readNifti(sharedData('totalsegmentator/example_seg.nii.gz'));
    await b.api.labels.save({ caseId, parent: null, data: Uint8Array.from(seg.data as ArrayLike<number>, (v) => (v === 5 ? 1 : 0)), source: 'import' });
    await b.api.workspace.setSplit({ caseIds: [caseId], split: 'train' });
  });
  after(() => b.close());

  it('trains in the background with curve points and progress, and the model becomes selectable', async () => {
    const metrics = collect(b.api, 'jobs.didReportMetric');
    const progress = collect(b.api, 'jobs.didProgress');
    const job = await b.api.jobs.train({ ...SHORT, name: 'tiny' });
    const end = await finished(b.api, job.id, 300000);
    metrics.stop();
    progress.stop();
    assert.equal(end.state, 'succeeded', JSON.stringify(end.error));
    assert.equal(end.result?.kind, 'train');
    if (end.result?.kind !== 'train') return;
    assert.equal(end.result.modelId, 'tiny');
    const steps = metrics.events.filter((m) => m.jobId === job.id && m.loss !== undefined);
    assert.deepEqual(steps.map((m) => m.step), [1, 2, 3, 4]);
    assert.ok(steps.every((m) => Number.isFinite(m.loss) && Number.isFinite(m.lr)));
    const fractions = progress.events.filter((e) => e.jobId === job.id).map((e) => e.progress.fraction);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1]);
    const models = await b.api.models.list();
    const model = models.find((m) => m.id === 'tiny');
    assert.equal(model?.origin, 'workspace');
    // A new model is offered, not imposed: until the user sets one active, the bundled model stays the default.
    assert.equal(model?.active, false);
    assert.deepEqual(models.filter((m) => m.active).map((m) => [m.id, m.origin]), [['liver', 'bundled']]);
    assert.equal((await b.api.workspace.info()).activeModel, 'liver');
  });

  it('a cancelled run ends cancelled and writes no model package', async () => {
    const job = await b.api.jobs.train({ ...SHORT, epochs: 200, name: 'never' });
    await new Promise<void>((resolve) => {
      const sub = b.api.on('jobs.didReportMetric', (m) => {
        if (m.jobId === job.id) {
          sub.dispose();
          resolve();
        }
      });
    });
    await b.api.jobs.cancel({ jobId: job.id });
    const end = await finished(b.api, job.id, 120000);
    assert.equal(end.state, 'cancelled', JSON.stringify(end.error));
    assert.ok(!(await readdir(b.workspace.modelsDir())).some((f) => f.startsWith('never')));
    assert.ok(!(await b.api.models.list()).some((m) => m.id === 'never'));
  });
});
