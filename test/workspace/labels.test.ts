import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { LobuleError } from '../../engine/errors.js';
import { makeVolume } from '../../engine/common/volume.js';
import { addSyntheticCases, SMALL_AFFINE, inTempDir } from './helpers.js';

const sha = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

function blob(n: number, value: number, count: number): Uint8Array {
  const a = new Uint8Array(n);
  a.fill(value, 0, count);
  return a;
}

test('label versions are immutable files with parent, author, source, time, sha256 and voxel counts; status follows source', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const [id] = await addSyntheticCases(ws, 1);
    const c = ws.getCase(id);
    const n = 8 * 6 * 4;
    const v1 = await ws.saveLabel(id, makeVolume(blob(n, 1, 50), c.geometry.dims, c.geometry.affine), { source: 'model:liver-coarse@1' });
    assert.equal(ws.getCase(id).status, 'draft');
    const v1Hash = await sha(join(dir, v1.file));
    const v2 = await ws.saveLabel(id, blob(n, 1, 60), { source: 'manual' });
    assert.equal(ws.getCase(id).status, 'corrected');
    const v3 = await ws.saveLabel(id, blob(n, 2, 10), { source: 'manual', parent: 'v1', author: 'reviewer' });
    assert.deepEqual([v1.id, v2.id, v3.id], ['v1', 'v2', 'v3']);
    assert.deepEqual([v1.parent, v2.parent, v3.parent], [null, 'v1', 'v1']);
    assert.equal(v1.author, userInfo().username);
    assert.equal(v3.author, 'reviewer');
    assert.equal(v1.source, 'model:liver-coarse@1');
    assert.deepEqual(v1.voxelCounts, { '0': n - 50, '1': 50 });
    assert.deepEqual(v3.voxelCounts, { '0': n - 10, '2': 10 });
    for (const v of [v1, v2, v3]) {
      assert.equal(v.file, `labels/${id}/${v.id}.nii.gz`);
      assert.equal(v.sha256, await sha(join(dir, v.file)), `${v.id} sha256 is the file's`);
      assert.ok(!Number.isNaN(Date.parse(v.time)));
    }
    assert.equal(await sha(join(dir, v1.file)), v1Hash, 'saving later versions never rewrites v1');
    assert.equal(
      (await ws.readLabel(id)).data.reduce((s, x) => s + x, 0),
      20,
      'readLabel reads the latest version',
    );
    const old = await ws.readLabel(id, 'v1');
    assert.equal(
      old.data.reduce((s, x) => s + x, 0),
      50,
    );
    assert.deepEqual(Array.from(old.affine), SMALL_AFFINE);
    assert.deepEqual(
      ws.labelHistory(id).map((v) => v.id),
      ['v1', 'v2', 'v3'],
    );
    await ws.setStatus(id, 'verified');
    await ws.close();
    const again = await Workspace.open(dir, { readOnly: true });
    // The history holds what the saves returned (less the save's own `unchanged` flag); setStatus recorded
    // 'verified' on the latest version so that a revert to it restores that status.
    const { unchanged: _u1, ...r1 } = v1;
    const { unchanged: _u2, ...r2 } = v2;
    const { unchanged: _u3, ...r3 } = v3;
    assert.deepEqual(again.labelHistory(id), [r1, r2, { ...r3, status: 'verified' }]);
    assert.equal(again.getCase(id).status, 'verified');
  });
});

test('labels on another grid are refused with both geometries in the message', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const [id] = await addSyntheticCases(ws, 1);
    const wrong = makeVolume(new Uint8Array(8 * 6 * 5), [8, 6, 5], SMALL_AFFINE);
    await assert.rejects(ws.saveLabel(id, wrong, { source: 'manual' }), (e: unknown) => {
      assert.ok(e instanceof LobuleError && e.code === 'E_GEOMETRY');
      assert.match(e.message, /labels for case case_000 are not on the grid of case case_000: labels 8×6×5 voxels.*; image 8×6×4 voxels/);
      return true;
    });
    const shifted = makeVolume(
      new Uint8Array(8 * 6 * 4),
      [8, 6, 4],
      SMALL_AFFINE.map((v, i) => (i === 3 ? v + 1 : v)),
    );
    await assert.rejects(ws.saveLabel(id, shifted, { source: 'manual' }), /affine \[\[2, 0, 0, -9\].*; image .*affine \[\[2, 0, 0, -10\]/);
    await assert.rejects(ws.saveLabel(id, new Uint8Array(7), { source: 'manual' }), /have 7 voxels but case/);
    await assert.rejects(ws.saveLabel(id, new Uint8Array(192), { source: 'model:x' as 'manual' }), /label source 'model:x'/);
    await assert.rejects(ws.saveLabel(id, new Uint8Array(192), { source: 'manual', parent: 'v9' }), /no label version v9/);
    assert.deepEqual(ws.labelHistory(id), [], 'refused saves leave no version');
    await assert.rejects(ws.setStatus(id, 'verified'), /has no labels, so it cannot be verified/);
    await assert.rejects(ws.readLabel(id), /has no labels yet/);
    await ws.close();
  });
});

test('the autosave journal survives a reopen, is checked on read, and a manual save clears it', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const [id] = await addSyntheticCases(ws, 1);
    const edits = blob(192, 1, 77);
    await ws.writeJournal(id, edits, { baseVersion: null, strokes: 3 });
    await ws.close();
    const again = await Workspace.open(dir);
    const j = await again.readJournal(id);
    assert.ok(j);
    assert.deepEqual(j.bytes, edits);
    assert.deepEqual(j.meta, { baseVersion: null, strokes: 3 });
    const file = join(dir, 'journal', `${id}.journal`);
    const bytes = await readFile(file);
    bytes[bytes.length - 12] ^= 0xff;
    await writeFile(file, bytes);
    await assert.rejects(
      again.readJournal(id),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_CORRUPT' && /autosave journal .* is damaged/.test(e.message),
    );
    await again.writeJournal(id, edits, {});
    await again.saveLabel(id, edits, { source: 'manual' });
    assert.equal(await again.readJournal(id), undefined, 'saving a version clears the journal');
    await again.writeJournal(id, edits, {});
    await again.clearJournal(id);
    assert.equal(await again.readJournal(id), undefined);
    await again.close();
  });
});
