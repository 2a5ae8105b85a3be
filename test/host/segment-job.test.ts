/**
 * A segmentation job on a real CT (TotalSegmentator patient A, 122×101×112) through the serve binding:
 * progress only ever grows, and a cancel in the middle of inference ends the job 'cancelled' with the
 * workspace exactly as it was (no label version, no stray file).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readNifti } from '../../engine/io/nifti.js';
import { sharedData } from '../helpers/data.js';
import { collect, expectedThreshold, finished, serveBinding, tempDir, writeThresholdModel, type Binding } from './fixtures.js';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(`${relative(dir, p)}:${(await stat(p)).size}`);
  }
  return out.sort();
}

describe('segmentation job on a real CT', () => {
  let b: Binding;
  let extra: { dir: string; cleanup: () => Promise<void> };
  let caseId: string;

  before(async () => {
    b = await serveBinding();
    extra = await tempDir('lobule-host-seg-');
    caseId = (await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct.nii.gz')] })).imported[0];
    await b.api.models.import({ path: await writeThresholdModel(join(extra.dir, 'a'), { name: 'fast', patch: 48 }) });
    await b.api.models.import({ path: await writeThresholdModel(join(extra.dir, 'b'), { name: 'slow', patch: 8 }) });
  });
  after(async () => {
    await b.close();
    await extra.cleanup();
  });

  it('reports monotonic progress from 0 to 1 through the pipeline stages and keeps the result as a proposal', async () => {
    const progress = collect(b.api, 'jobs.didProgress');
    const job = await b.api.jobs.segment({ caseId, modelId: 'fast', device: 'cpu' });
    const end = await finished(b.api, job.id);
    progress.stop();
    assert.equal(end.state, 'succeeded', JSON.stringify(end.error));
    const mine = progress.events.filter((e) => e.jobId === job.id).map((e) => e.progress);
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i].fraction >= mine[i - 1].fraction, `fraction fell at event ${i}`);
    assert.ok(mine.length >= 5, `only ${mine.length} progress events`);
    assert.equal(mine.at(-1)?.fraction, 1);
    const stages = new Set(mine.map((p) => p.stage));
    for (const s of ['infer', 'postprocess']) assert.ok(stages.has(s), `stage ${s} reported (${[...stages]})`);
    const image = await readNifti(sharedData('totalsegmentator/example_ct.nii.gz'));
    const labels = new Uint8Array(await b.api.labels.proposalBytes({ caseId }));
    assert.deepEqual(labels, expectedThreshold(image.data));
    assert.equal((await b.api.labels.history({ caseId })).length, 0, 'no label version until the proposal is accepted');
  });

  it('queues segmentations: a second one waits until the first ends', async () => {
    const first = await b.api.jobs.segment({ caseId, modelId: 'slow', device: 'cpu' });
    const second = await b.api.jobs.segment({ caseId, modelId: 'fast', device: 'cpu' });
    assert.equal(second.state, 'queued');
    const states = collect(b.api, 'jobs.didChangeState');
    await b.api.jobs.cancel({ jobId: first.id });
    const end = await finished(b.api, second.id);
    states.stop();
    assert.equal(end.state, 'succeeded', JSON.stringify(end.error));
    const order = states.events.map((e) => `${e.id === first.id ? 'first' : 'second'}:${e.state}`).filter((s) => !s.endsWith(':queued'));
    assert.ok(order.indexOf('first:cancelled') < order.indexOf('second:running'), order.join(' '));
    const firstEnd = (await b.api.jobs.get({ jobId: first.id })).finishedAt;
    assert.ok(firstEnd !== null && end.startedAt !== null && firstEnd <= end.startedAt, `${firstEnd} <= ${end.startedAt}`);
  });

  it('cancels mid-way without leaving any file behind', async () => {
    const before = await listFiles(b.workspace.dir);
    const historyBefore = await b.api.labels.history({ caseId });
    const job = await b.api.jobs.segment({ caseId, modelId: 'slow', device: 'cpu' });
    const midway = new Promise<number>((resolve) => {
      const sub = b.api.on('jobs.didProgress', (e) => {
        if (e.jobId === job.id && e.progress.stage === 'infer' && e.progress.fraction > 0.2) {
          sub.dispose();
          resolve(e.progress.fraction);
        }
      });
    });
    const at = await midway;
    await b.api.jobs.cancel({ jobId: job.id });
    const end = await finished(b.api, job.id);
    assert.equal(end.state, 'cancelled');
    assert.equal(end.error?.code, 'E_CANCELLED');
    assert.ok(end.progress.fraction < 0.92, `cancelled during inference (at ${at}, ended at ${end.progress.fraction})`);
    assert.deepEqual(await b.api.labels.history({ caseId }), historyBefore);
    assert.deepEqual(await listFiles(b.workspace.dir), before);
    assert.equal(b.service.jobs.pidOf(job.id), null);
  });
});
