/**
 * Edits through the API never lose work: a label save keeps an autosave that arrived while it ran, and moving
 * several cases at once is all or nothing when one of them is a locked test case.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharedData } from '../helpers/data.js';
import { serveBinding, type Binding } from './fixtures.js';

describe('edits through the API', () => {
  let b: Binding;
  let ids: string[];
  before(async () => {
    b = await serveBinding();
    const paths = [
      'totalsegmentator/example_ct_sm.nii.gz',
      'totalsegmentator/aorta_report/ct_cropped.nii.gz',
      'totalsegmentator/example_ct.nii.gz',
    ];
    ids = [...(await b.api.workspace.importPaths({ paths: paths.map(sharedData) })).imported];
    assert.equal(ids.length, 3);
  });
  after(() => b.close());

  it('a save keeps the autosave of edits made while it was being written', async () => {
    const caseId = ids[1];
    const meta = await b.api.volumes.imageMeta({ caseId });
    const voxels = meta.dims[0] * meta.dims[1] * meta.dims[2];
    const saved = new Uint8Array(voxels);
    saved[100] = 1;
    const newer = new Uint8Array(voxels);
    newer[100] = 1;
    newer[200] = 1;
    const saving = b.api.labels.save({ caseId, parent: null, data: saved });
    await b.api.labels.writeJournal({ caseId, baseVersion: null, data: newer });
    await saving;
    const journal = new Uint8Array(await b.api.labels.journalBytes({ caseId }));
    assert.equal(journal[200], 1, 'the newer autosave is still there after the save');
  });

  it('moving cases is all or nothing when one of them is a locked test case', async () => {
    await b.api.workspace.makeSplit({ val: 0.34, test: 0.34, seed: 0, lockTest: true });
    const cases = await b.api.workspace.cases();
    const locked = cases.find((c) => c.locked);
    const free = cases.find((c) => !c.locked && c.split !== 'train');
    assert.ok(locked && free, JSON.stringify(cases.map((c) => [c.id, c.split, c.locked])));
    await assert.rejects(
      b.api.workspace.setSplit({ caseIds: [free.id, locked.id], split: 'train' }),
      (e: { code?: string }) => e.code === 'E_LOCKED',
    );
    const after = await b.api.workspace.cases();
    assert.equal(after.find((c) => c.id === free.id)?.split, free.split, 'the unlocked case did not move either');
    assert.equal(after.find((c) => c.id === locked.id)?.split, 'test');
  });
});
