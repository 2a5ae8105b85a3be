import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../engine/workspace/workspace.js';
import { LobuleError } from '../../engine/errors.js';
import { addSyntheticCases, inTempDir, tempDir } from './helpers.js';

const ids = (cs: { id: string }[]) => cs.map((c) => c.id).sort();

test('workspace splits: same seed same split, status counts, locked test cases refuse to move and never reach training', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const all = await addSyntheticCases(ws, 10);
    for (const id of all) await ws.saveLabel(id, new Uint8Array(192).fill(1, 0, 5), { source: 'model:m@1' });
    for (const id of all.slice(0, 8)) await ws.setStatus(id, 'verified');
    const s = await ws.makeSplit({ val: 0.2, test: 0.2, seed: 0, lockTest: true });
    assert.deepEqual(s.bySplit, { train: 6, val: 2, test: 2, unassigned: 0 });
    assert.deepEqual(s.byStatus, { unlabelled: 0, draft: 2, corrected: 0, verified: 8 });
    assert.equal(s.lockedTestCases, 2);
    const first = { train: ids(ws.splitCases('train')), val: ids(ws.splitCases('val')), test: ids(ws.splitCases('test')) };

    const { dir: dir2, cleanup: cleanup2 } = await tempDir();
    try {
      const other = await Workspace.init(dir2);
      await addSyntheticCases(other, 10);
      await other.makeSplit({ val: 0.2, test: 0.2, seed: 0 });
      assert.deepEqual(
        { train: ids(other.splitCases('train')), val: ids(other.splitCases('val')), test: ids(other.splitCases('test')) },
        first,
        'same cases, same seed → same split',
      );
      await other.close();
    } finally {
      await cleanup2();
    }

    const lockedId = first.test[0];
    await assert.rejects(
      ws.setSplit(lockedId, 'train'),
      (e: unknown) =>
        e instanceof LobuleError && e.code === 'E_LOCKED' && e.message.includes(`case ${lockedId} is in the locked test split`),
    );
    await ws.makeSplit({ val: 0.2, test: 0.2, seed: 5 });
    assert.deepEqual(ids(ws.splitCases('test')), first.test, 're-splitting keeps the locked test set');

    const t = ws.trainingCases();
    const seen = [...t.train, ...t.val];
    assert.ok(
      seen.every((c) => c.split !== 'test' && !c.testLocked && c.status === 'verified'),
      'training sees verified train/val only',
    );
    assert.equal(
      ws
        .trainingCases({ statuses: ['verified', 'draft', 'corrected', 'unlabelled'] })
        .train.concat(ws.trainingCases({ statuses: ['verified', 'draft'] }).val)
        .filter((c) => c.split === 'test').length,
      0,
      'no status selection reaches test cases',
    );
    assert.deepEqual(
      ws.splitCases('train', { statuses: ['draft'] }).every((c) => c.status === 'draft'),
      true,
    );
    const folds = ws.exportSplits();
    assert.equal(folds.length, 1);
    assert.deepEqual([...folds[0].train, ...folds[0].val].sort(), ids(seen));

    const moved = ws.splitCases('train')[0].id;
    await ws.setSplit(moved, 'val');
    assert.equal(ws.getCase(moved).split, 'val');
    const before = ws.status().bySplit.test;
    await ws.setSplit(ws.splitCases('val')[0].id, 'test');
    assert.equal(ws.status().bySplit.test, before + 1);
    assert.equal(ws.status().lockedTestCases, before + 1, 'a case moved into a locked test split is locked too');
    await ws.close();
  });
});

test('k-fold splits: trainingCases({fold}) holds out one fold and splits_final has K entries', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const all = await addSyntheticCases(ws, 12);
    for (const id of all) await ws.saveLabel(id, new Uint8Array(192), { source: 'import' });
    await ws.makeSplit({ test: 0.25, seed: 2, folds: 3 });
    const folds = ws.exportSplits();
    assert.equal(folds.length, 3);
    for (let f = 0; f < 3; f++) {
      const t = ws.trainingCases({ fold: f });
      assert.deepEqual(ids(t.val), folds[f].val);
      assert.deepEqual(ids(t.train), folds[f].train);
      assert.equal(t.val.length, 3);
    }
    assert.throws(() => ws.trainingCases({ fold: 3 }), /fold 3 does not exist: the split has 3 folds/);
    await ws.close();
  });
});
