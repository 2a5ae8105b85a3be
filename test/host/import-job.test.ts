/**
 * Imports as jobs over the real `lobule serve` binding, with real files from the shared data: progress per chosen
 * path, reads and a label save of another case while the import runs, a cancel that adds nothing, and a rerun whose
 * report equals what workspace.importPaths answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { collect, finished, serveBinding, type Binding } from './fixtures.js';

const SLOW_DICOM = sharedData('totalsegmentator/example_ct_dicom'); // ~10 s to decode here: time to act mid-import
const FILES = [SLOW_DICOM, sharedData('totalsegmentator/example_ct.nii.gz'), sharedData('dcmqi/ct-3slice')];

describe('import job', () => {
  let b: Binding;
  let seed: string;

  before(async () => {
    b = await serveBinding();
    seed = (await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] })).imported[0];
  });
  after(async () => b.close());

  async function workspaceFiles(): Promise<string[]> {
    const root = (await b.api.workspace.info()).root;
    return (await readdir(join(root, 'images'))).sort();
  }

  it('a cancelled import adds no case, no image file and leaves no staging folder', async () => {
    const before = await b.api.workspace.cases();
    const filesBefore = await workspaceFiles();
    const progress = collect(b.api, 'jobs.didProgress');
    const job = await b.api.jobs.import({ paths: FILES });
    assert.equal(job.kind, 'import');
    while (!progress.events.some((e) => e.jobId === job.id)) await new Promise((r) => setTimeout(r, 50));
    await b.api.jobs.cancel({ jobId: job.id });
    const end = await finished(b.api, job.id);
    progress.stop();
    assert.equal(end.state, 'cancelled');
    assert.deepEqual(await b.api.workspace.cases(), before);
    assert.deepEqual(await workspaceFiles(), filesBefore);
    const root = (await b.api.workspace.info()).root;
    for (let i = 0; i < 40 && existsSync(join(root, '.import-staging', job.id)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(join(root, '.import-staging', job.id)), false, 'staging folder removed');
  });

  it('reports progress per path, answers reads and saves a label of another case while it runs, then commits all', async () => {
    const progress = collect(b.api, 'jobs.didProgress');
    const job = await b.api.jobs.import({ paths: FILES });
    // Reads while the import decodes the DICOM series: each answers long before the import ends.
    let readsDuringImport = 0;
    const labels = new Uint8Array(122 * 101 * 30).fill(1);
    let saved: string | null = null;
    while ((await b.api.jobs.get({ jobId: job.id })).state !== 'succeeded') {
      const t0 = performance.now();
      const cases = await b.api.workspace.cases();
      assert.ok(performance.now() - t0 < 2000, 'workspace.cases answered within 2 s during the import');
      if ((await b.api.jobs.get({ jobId: job.id })).state === 'running') {
        readsDuringImport++;
        assert.deepEqual(
          cases.map((c) => c.id),
          [seed],
          'no case appears before the import commits',
        );
        // A write racing the import's commit: both must survive.
        if (!saved) saved = (await b.api.labels.save({ caseId: seed, parent: null, data: labels })).id;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const end = await finished(b.api, job.id);
    progress.stop();
    assert.ok(readsDuringImport >= 2, `read ${readsDuringImport} times while the import ran`);
    assert.ok(saved, 'a label was saved during the import');
    const mine = progress.events.filter((e) => e.jobId === job.id).map((e) => e.progress);
    const stages = mine.map((p) => p.stage);
    for (const want of ['0/3 example_ct_dicom', '1/3 example_ct.nii.gz', '2/3 ct-3slice', '3/3 done'])
      assert.ok(stages.includes(want), `${want} in ${stages}`);
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i].fraction >= mine[i - 1].fraction, `fraction fell at event ${i}`);
    assert.equal(end.result?.kind, 'import');
    const report = end.result?.kind === 'import' ? end.result : null;
    assert.equal(report?.imported.length, 3, JSON.stringify(report));
    const cases = await b.api.workspace.cases();
    assert.deepEqual(cases.map((c) => c.id).sort(), [seed, ...(report?.imported ?? [])].sort());
    assert.deepEqual(
      (await b.api.labels.history({ caseId: seed })).map((v) => v.id),
      [saved],
      'the label saved mid-import survived the commit',
    );
    for (const id of report?.imported ?? []) assert.ok((await b.api.volumes.imageMeta({ caseId: id })).dims.length === 3);
  });

  it('workspace.importPaths answers the same report as the import job result', async () => {
    const paths = [sharedData('dcmqi/ct-3slice'), sharedData('totalsegmentator/example_ct_sm.nii.gz')];
    const job = await b.api.jobs.import({ paths });
    const end = await finished(b.api, job.id);
    assert.equal(end.state, 'succeeded', JSON.stringify(end.error));
    const viaJob = end.result?.kind === 'import' ? end.result : null;
    const direct = await b.api.workspace.importPaths({ paths });
    assert.ok(viaJob);
    const { kind: _, ...jobReport } = viaJob;
    // Same inputs imported twice more: same shape, new case ids, the twin notices name the earlier cases.
    assert.equal(direct.imported.length, jobReport.imported.length);
    assert.deepEqual(direct.skipped, jobReport.skipped);
    assert.deepEqual(direct.looksLikeLabel, jobReport.looksLikeLabel);
    assert.equal(direct.notices?.length, jobReport.notices?.length);
  });
});
