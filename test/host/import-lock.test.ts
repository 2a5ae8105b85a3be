/**
 * Issue 15: "the import child must not release the workspace lock to the world". While the import job works (in a
 * staging folder; the host commits), the lock file keeps naming the host (no other process can open the workspace),
 * the host's lock is the same one afterwards, and an import can be cancelled without losing the lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { finished, serveBinding } from './fixtures.js';

test('the workspace lock names the host for the whole import, and is the same lock afterwards', async () => {
  const b = await serveBinding();
  try {
    const lockPath = join(b.workspace.dir, 'lobule.lock');
    const before = readFileSync(lockPath, 'utf8');
    const seen = new Set<string>();
    let missing = 0;
    const poll = setInterval(() => {
      if (!existsSync(lockPath)) missing++;
      else seen.add(readFileSync(lockPath, 'utf8'));
    }, 5);
    try {
      const r = await b.api.workspace.importPaths({
        paths: [sharedData('totalsegmentator/example_ct_dicom'), sharedData('totalsegmentator/example_ct_sm.nii.gz')],
      });
      assert.equal(r.imported.length, 2);
    } finally {
      clearInterval(poll);
    }
    assert.equal(missing, 0, 'the lock file disappeared during the import');
    assert.deepEqual([...seen], [before], "another lock than the host's was seen");
    assert.equal(readFileSync(lockPath, 'utf8'), before);
    assert.equal((await b.api.workspace.cases()).length, 2, 'the host sees what the child committed');
    await b.api.workspace.setLastOpenCase({ caseId: (await b.api.workspace.cases())[0].id }); // and can write again
  } finally {
    await b.close();
  }
});

test('a cancelled import job ends cancelled (E_CANCELLED) and the host still holds its lock', async () => {
  const b = await serveBinding();
  try {
    const lockPath = join(b.workspace.dir, 'lobule.lock');
    const before = readFileSync(lockPath, 'utf8');
    const job = await b.api.jobs.import({ paths: [sharedData('totalsegmentator/example_ct_dicom')] });
    await new Promise((r) => setTimeout(r, 300));
    await b.api.jobs.cancel({ jobId: job.id });
    const end = await finished(b.api, job.id);
    assert.equal(end.state, 'cancelled');
    assert.equal(end.error?.code, 'E_CANCELLED');
    assert.equal(readFileSync(lockPath, 'utf8'), before);
    assert.deepEqual(await b.api.workspace.cases(), []);
  } finally {
    await b.close();
  }
});
