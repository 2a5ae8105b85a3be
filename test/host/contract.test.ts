/**
 * ONE contract suite, run against both bindings: `lobule serve` over real HTTP on 127.0.0.1, and the Electron
 * IPC handler table driven by stand-ins for ipcMain/webContents. Each binding gets its own workspace with a
 * real CT from ../shared/data, and the renderer's view of it is only ever the typed LobuleApi object.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, type LobuleApi } from '../../engine/api/contract.js';
import { readNifti } from '../../engine/io/nifti.js';
import { nibabelFacts, sharedData } from '../helpers/data.js';
import { collect, expectedThreshold, finished, ipcBinding, serveBinding, tempDir, writeThresholdModel, type Binding } from './fixtures.js';

const CT = 'totalsegmentator/example_ct_sm.nii.gz';

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected a rejection with ${code}`);
}

function contractSuite(name: 'serve' | 'ipc', open: () => Promise<Binding>): void {
  describe(`contract over ${name}`, () => {
    let b: Binding;
    let api: LobuleApi;
    let caseId: string;
    let extra: { dir: string; cleanup: () => Promise<void> };
    let image: Awaited<ReturnType<typeof readNifti>>;

    before(async () => {
      b = await open();
      api = b.api;
      extra = await tempDir('lobule-host-extra-');
      image = await readNifti(sharedData(CT));
    });
    after(async () => {
      await b.close();
      await extra.cleanup();
    });

    it('host.info names the binding', async () => {
      const info = await api.host.info();
      assert.equal(info.host, name === 'serve' ? 'serve' : 'electron');
      assert.match(info.version, /^\d+\.\d+\.\d+/);
    });

    it('imports a real CT and lists it as an unlabelled case', async () => {
      const changes = collect(api, 'workspace.didChange');
      const r = await api.workspace.importPaths({ paths: [sharedData(CT)] });
      assert.equal(r.imported.length, 1);
      caseId = r.imported[0];
      const cases = await api.workspace.cases();
      assert.deepEqual(
        cases.map((c) => [c.id, c.status, c.split, c.labelVersionCount]),
        [[caseId, 'unlabelled', 'unassigned', 0]],
      );
      assert.deepEqual(cases[0].dims, [122, 101, 30]);
      const status = await api.workspace.status();
      assert.equal(status.caseCount, 1);
      assert.equal(status.byStatus.unlabelled, 1);
      await waitFor(() => changes.events.some((e) => e.what === 'cases' && e.caseIds?.includes(caseId)));
      changes.stop();
    });

    it('serves image metadata and the voxels as binary, matching nibabel', async () => {
      const facts = nibabelFacts().files['totalsegmentator/example_ct_sm.nii.gz'];
      const meta = await api.volumes.imageMeta({ caseId });
      assert.deepEqual(meta.dims, facts.shape);
      assert.equal(meta.dtype, 'int16');
      assert.equal(meta.orientation, facts.axcodes);
      assert.deepEqual(
        meta.spacing.map((s) => Math.round(s * 1000) / 1000),
        facts.zooms,
      );
      assert.deepEqual(
        meta.affine.map((v) => Math.round(v * 1000) / 1000),
        facts.affine.flat().map((v) => Math.round(v * 1000) / 1000),
      );
      assert.equal(meta.min, facts.scaled.min);
      assert.equal(meta.max, facts.scaled.max);
      assert.deepEqual(b.workspace.getCase(caseId).valueRange, [facts.scaled.min, facts.scaled.max], 'the range was recorded at import');
      const bytes = await api.volumes.imageBytes({ caseId });
      assert.ok(bytes instanceof ArrayBuffer);
      assert.equal(bytes.byteLength, meta.byteLength);
      const voxels = new Int16Array(bytes);
      for (const [index, value] of facts.scaled.probes) assert.equal(voxels[index], value, `voxel ${index}`);
    });

    it('saves a label version from labelmap bytes and reads it back, byte for byte', async () => {
      const labels = expectedThreshold(image.data);
      const v1 = await api.labels.save({ caseId, parent: null, data: labels });
      assert.equal(v1.id, 'v1');
      assert.equal(v1.source, 'manual');
      assert.equal(
        v1.voxelCounts['1'],
        labels.reduce((n, x) => n + x, 0),
      );
      const back = new Uint8Array(await api.volumes.labelBytes({ caseId }));
      assert.deepEqual(back, labels);
      const meta = await api.volumes.labelMeta({ caseId, version: 'v1' });
      assert.equal(meta.dtype, 'uint8');
      assert.equal(meta.version, 'v1');
      assert.deepEqual([meta.min, meta.max], [Math.min(...new Set(labels)), Math.max(...new Set(labels))]);
      labels[0] = 1;
      const v2 = await api.labels.save({ caseId, parent: 'v1', data: labels });
      const history = await api.labels.history({ caseId });
      assert.deepEqual(
        history.map((v) => [v.id, v.parent]),
        [
          ['v1', null],
          ['v2', 'v1'],
        ],
      );
      assert.equal(new Uint8Array(await api.volumes.labelBytes({ caseId, version: 'v2' }))[0], 1);
      assert.equal(new Uint8Array(await api.volumes.labelBytes({ caseId, version: 'v1' }))[0], 0);
      assert.equal(v2.parent, 'v1');
      assert.equal((await api.workspace.cases())[0].status, 'corrected');
    });

    it('refuses a labelmap that does not fit the image grid with a typed error', async () => {
      await rejectsWith(api.labels.save({ caseId, parent: null, data: new Uint8Array(10) }), 'E_GEOMETRY');
    });

    it('keeps an autosave journal that can be recovered and cleared', async () => {
      assert.equal(await api.labels.journalInfo({ caseId }), null);
      const edits = new Uint8Array(image.data.length);
      edits[123] = 1;
      const info = await api.labels.writeJournal({ caseId, baseVersion: 'v2', data: edits });
      assert.equal(info.byteLength, edits.length);
      const again = await api.labels.journalInfo({ caseId });
      assert.equal(again?.baseVersion, 'v2');
      assert.deepEqual(new Uint8Array(await api.labels.journalBytes({ caseId })), edits);
      await api.labels.clearJournal({ caseId });
      assert.equal(await api.labels.journalInfo({ caseId }), null);
      await rejectsWith(api.labels.journalBytes({ caseId }), 'E_NOT_FOUND');
    });

    it('sets status, splits and the last open case', async () => {
      const c = await api.workspace.setStatus({ caseId, status: 'verified' });
      assert.equal(c.status, 'verified');
      const split = await api.workspace.setSplit({ caseIds: [caseId], split: 'val' });
      assert.equal(split.val, 1);
      await api.workspace.setLastOpenCase({ caseId });
      assert.equal((await api.workspace.info()).lastOpenCase, caseId);
      const made = await api.workspace.makeSplit({ val: 0, test: 0, seed: 0 });
      assert.equal(made.train + made.val + made.test + made.unassigned, 1);
      await api.workspace.setSplit({ caseIds: [caseId], split: 'val' });
    });

    it('imports, lists, activates and exports a model package', async () => {
      const src = await writeThresholdModel(join(extra.dir, 'src'));
      const m = await api.models.import({ path: src });
      assert.equal(m.id, 'threshold');
      assert.equal(m.origin, 'workspace');
      const active = await api.models.setActive({ modelId: 'threshold' });
      assert.equal(active.active, true);
      assert.equal((await api.workspace.info()).activeModel, 'threshold');
      assert.ok((await api.models.list()).some((x) => x.id === 'threshold' && x.active && x.valDice === 0.5));
      await mkdir(join(extra.dir, 'out'));
      await api.models.export({ modelId: 'threshold', path: join(extra.dir, 'out') });
      assert.deepEqual((await readdir(join(extra.dir, 'out', 'threshold'))).sort(), ['lobule-model.json', 'model.onnx']);
      await rejectsWith(api.models.setActive({ modelId: 'nope' }), 'E_NOT_FOUND');
    });

    it('segments a case in a background job into a proposal (no version, status kept) that Accept turns into a draft version', async () => {
      const statusBefore = (await api.workspace.cases())[0].status;
      const progress = collect(api, 'jobs.didProgress');
      const job = await api.jobs.segment({ caseId, device: 'cpu' });
      assert.equal(job.kind, 'segment');
      const done = await finished(api, job.id);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
      assert.equal(done.result?.kind, 'segment');
      const proposal = done.result?.kind === 'segment' ? done.result.proposal : undefined;
      assert.equal(proposal?.source, 'model:threshold@1.0.0');
      assert.deepEqual(await api.labels.proposal({ caseId }), proposal);
      const labels = new Uint8Array(await api.labels.proposalBytes({ caseId }));
      assert.deepEqual(labels, expectedThreshold(image.data));
      assert.equal((await api.workspace.cases())[0].status, statusBefore, 'a proposal changes no status');
      assert.equal((await api.labels.history({ caseId })).length, 2, 'a proposal is no version');
      // The same voxels as v1 but edited from v2: a real change, so Accept writes v3 with the model as source.
      const accepted = await api.labels.acceptProposal({ caseId });
      assert.deepEqual([accepted.id, accepted.parent, accepted.source, accepted.unchanged], ['v3', 'v2', 'model:threshold@1.0.0', false]);
      assert.equal((await api.workspace.cases())[0].status, 'draft');
      assert.equal(await api.labels.proposal({ caseId }), null);
      const mine = progress.events.filter((e) => e.jobId === job.id).map((e) => e.progress.fraction);
      assert.ok(mine.length >= 3, `expected progress events, got ${mine.length}`);
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i] >= mine[i - 1], 'progress never decreases');
      progress.stop();
      assert.equal((await api.jobs.list()).find((j) => j.id === job.id)?.state, 'succeeded');
    });

    it('evaluates a model on the val split with Dice per label', async () => {
      await api.workspace.setStatus({ caseId, status: 'verified' });
      const job = await api.jobs.evaluate({ split: 'val', device: 'cpu' });
      const done = await finished(api, job.id);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
      assert.equal(done.result?.kind, 'evaluate');
      if (done.result?.kind !== 'evaluate') return;
      assert.deepEqual(
        done.result.cases.map((c) => c.caseId),
        [caseId],
      );
      // The reference is v2 (manual: the threshold plus voxel 0), not the model's draft: Dice = 2n / (2n + 1).
      const n = expectedThreshold(image.data).reduce((a, x) => a + x, 0);
      assert.equal(expectedThreshold(image.data)[0], 0);
      assert.ok(Math.abs(done.result.meanDice['1'] - (2 * n) / (2 * n + 1)) < 1e-12, String(done.result.meanDice['1']));
    });

    it('runs one training job at a time', async () => {
      const first = await api.jobs.train({ plan: { budget: { epochs: 1 } }, name: 'tiny' });
      await rejectsWith(api.jobs.train({ plan: { budget: { epochs: 1 } } }), 'E_LOCKED', /training job/);
      await api.jobs.cancel({ jobId: first.id });
      const end = await finished(api, first.id);
      assert.ok(end.state === 'cancelled' || end.state === 'failed', end.state);
    });

    it("imports a DICOM series in a job process under the host's lock; a call made meanwhile is answered at once", async () => {
      const root = (await api.workspace.info()).root;
      const lockPids = new Set<number>();
      const poll = setInterval(() => {
        try {
          lockPids.add((JSON.parse(readFileSync(join(root, 'lobule.lock'), 'utf8')) as { pid: number }).pid);
        } catch {
          // between the host releasing the lock and the import process taking it
        }
      }, 5);
      const importing = api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_dicom')] });
      await new Promise((r) => setTimeout(r, 300)); // the import process is at work by now
      const during = await api.workspace.cases();
      const r = await importing;
      clearInterval(poll);
      assert.equal(r.imported.length, 1);
      assert.ok(!during.some((c) => c.id === r.imported[0]), 'a call made during the import is answered without waiting for it (issue 15)');
      assert.deepEqual([...lockPids], [process.pid], "the import process works under the host's lock; it is never free (issue 15)");
      assert.deepEqual((await api.volumes.imageMeta({ caseId: r.imported[0] })).dims, [512, 512, 20]);
    });

    it('opens another workspace (cancelling jobs, releasing the lock) and switches back', async () => {
      const first = (await api.workspace.info()).root;
      const changes = collect(api, 'workspace.didChange');
      const job = await api.jobs.train({ plan: { budget: { epochs: 1 } } });
      const other = await api.workspace.open({ path: join(extra.dir, 'other-ws') });
      assert.equal(other.root, join(extra.dir, 'other-ws'));
      assert.equal(other.caseCount, 0);
      assert.ok(['cancelled', 'failed'].includes((await api.jobs.get({ jobId: job.id })).state));
      assert.ok(!existsSync(join(first, 'lobule.lock')), 'the first workspace is closed');
      assert.deepEqual(await api.workspace.cases(), []);
      await rejectsWith(api.volumes.imageMeta({ caseId }), 'E_NOT_FOUND');
      const back = await api.workspace.open({ path: first });
      assert.equal(back.caseCount, 2);
      assert.ok(existsSync(join(first, 'lobule.lock')));
      assert.ok(!existsSync(join(extra.dir, 'other-ws', 'lobule.lock')));
      await waitFor(() => changes.events.filter((e) => e.what === 'workspace').length === 2);
      changes.stop();
    });

    it('answers invalid calls with typed errors and keeps working', async () => {
      await rejectsWith(api.volumes.imageMeta({ caseId: '../../etc/passwd' }), 'E_INVALID_ARGUMENT', /caseId/);
      await rejectsWith(api.volumes.imageMeta({ caseId: '/etc/passwd' }), 'E_INVALID_ARGUMENT');
      await rejectsWith(api.volumes.imageBytes({ caseId: '..' }), 'E_INVALID_ARGUMENT');
      await rejectsWith(api.workspace.setStatus({ caseId, status: 'done' as 'verified' }), 'E_INVALID_ARGUMENT', /status/);
      await rejectsWith(api.workspace.makeSplit({ val: 2, test: 0, seed: 0 }), 'E_INVALID_ARGUMENT', /val/);
      await rejectsWith(api.jobs.segment({ caseId, extra: 1 } as unknown as { caseId: string }), 'E_INVALID_ARGUMENT');
      await rejectsWith(api.labels.save({ caseId, parent: null, data: [1, 2, 3] as unknown as Uint8Array }), 'E_INVALID_ARGUMENT');
      await rejectsWith(api.volumes.imageMeta({ caseId: 'no_such_case' }), 'E_NOT_FOUND', /no_such_case/);
      await rejectsWith(api.jobs.get({ jobId: 'job-nope' }), 'E_NOT_FOUND');
      assert.equal((await api.workspace.status()).caseCount, 2);
    });
  });
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

contractSuite('serve', serveBinding);
contractSuite('ipc', ipcBinding);
