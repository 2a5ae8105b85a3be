/**
 * Issue 15: "the import child must not release the workspace lock to the world". While the import process works,
 * the lock file keeps naming the host (no other process can open the workspace), the host's lock is the same one
 * afterwards, and an import can be cancelled without losing the lock or the cases committed before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { serveBinding } from './fixtures.js';
import { importInChild } from '../../host/importer-child.js';
import { LobuleError } from '../../engine/errors.js';

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

test('a cancelled import ends with E_CANCELLED and the host still holds its lock', async () => {
  const b = await serveBinding();
  try {
    const lockPath = join(b.workspace.dir, 'lobule.lock');
    const before = readFileSync(lockPath, 'utf8');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(
      importInChild(
        { dir: b.workspace.dir, paths: [sharedData('totalsegmentator/example_ct_dicom')], format: 'auto', labelMap: null },
        { signal: controller.signal },
      ),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_CANCELLED',
    );
    assert.equal(readFileSync(lockPath, 'utf8'), before);
  } finally {
    await b.close();
  }
});
