/**
 * The workspace rules that keep curated labels safe: idempotent saves, revert as a new version, version
 * comparison, auto-segment proposals that are never versions until accepted, workspace-wide label names, case
 * rename, and the trash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { LobuleError } from '../../engine/errors.js';
import { addSyntheticCases, inTempDir } from './helpers.js';

const N = 8 * 6 * 4;
const sha = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

function blob(value: number, count: number, from = 0): Uint8Array {
  const a = new Uint8Array(N);
  a.fill(value, from, from + count);
  return a;
}

async function withWorkspace(fn: (ws: Workspace, id: string, dir: string) => Promise<void>): Promise<void> {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const [id] = await addSyntheticCases(ws, 1);
    try {
      await fn(ws, id, dir);
    } finally {
      await ws.close();
    }
  });
}

test('a save whose voxels equal the parent version writes no file, commits nothing and keeps a verified status', async () => {
  await withWorkspace(async (ws, id, dir) => {
    const v1 = await ws.saveLabel(id, blob(1, 50), { source: 'import' });
    assert.equal(v1.unchanged, false);
    assert.equal(ws.getCase(id).status, 'verified');
    const revision = ws.manifest().revision;
    const manifestBefore = await sha(join(dir, 'lobule.json'));
    const again = await ws.saveLabel(id, blob(1, 50), { source: 'manual' });
    assert.equal(again.unchanged, true);
    assert.equal(again.id, 'v1');
    assert.equal(again.sha256, v1.sha256);
    assert.equal(ws.getCase(id).status, 'verified', 'status unchanged');
    assert.equal(ws.manifest().revision, revision, 'no manifest commit');
    assert.equal(await sha(join(dir, 'lobule.json')), manifestBefore);
    assert.deepEqual(await readdir(join(dir, 'labels', id)), ['v1.nii.gz'], 'no new label file');
    // Same counts, different voxels: a real change, saved.
    const moved = await ws.saveLabel(id, blob(1, 50, 10), { source: 'manual' });
    assert.equal(moved.unchanged, false);
    assert.equal(moved.id, 'v2');
    assert.equal(ws.getCase(id).status, 'corrected');
    // Equal to v1 but edited from v2: compared with its parent v2, so it is a change (a new version).
    const back = await ws.saveLabel(id, blob(1, 50), { source: 'manual' });
    assert.equal(back.unchanged, false);
    assert.equal(back.id, 'v3');
  });
});

test('revert writes a new version copying the old voxels, restores the status that version had, and deletes nothing', async () => {
  await withWorkspace(async (ws, id, dir) => {
    const v1 = await ws.saveLabel(id, blob(1, 40), { source: 'manual' });
    await ws.setStatus(id, 'verified');
    const v2 = await ws.saveLabel(id, blob(1, 90), { source: 'model:liver@1' });
    assert.equal(ws.getCase(id).status, 'draft');
    const v3 = await ws.revertLabel(id, 'v1');
    assert.equal(v3.id, 'v3');
    assert.equal(v3.unchanged, false);
    assert.equal(v3.source, 'revert');
    assert.equal(v3.revertOf, 'v1');
    assert.equal(v3.parent, 'v2');
    assert.deepEqual(v3.voxelCounts, v1.voxelCounts);
    assert.deepEqual((await ws.readLabel(id, 'v3')).data, (await ws.readLabel(id, 'v1')).data);
    assert.equal(ws.getCase(id).status, 'verified', 'v1 was verified when it was the latest');
    assert.equal(await sha(join(dir, v2.file)), v2.sha256, 'v2 is still there, unchanged');
    const none = await ws.revertLabel(id, 'v1');
    assert.equal(none.unchanged, true, 'reverting to what the latest holds writes nothing');
    assert.equal(ws.labelHistory(id).length, 3);
    await assert.rejects(ws.revertLabel(id, 'v9'), /no label version v9/);
  });
});

test('comparing two versions counts added and removed voxels per label and gives their Dice', async () => {
  await withWorkspace(async (ws, id) => {
    await ws.saveLabel(id, blob(1, 40), { source: 'manual' }); // voxels 0..39
    const b = blob(1, 40, 20); // voxels 20..59
    b.fill(2, 100, 105);
    await ws.saveLabel(id, b, { source: 'manual' });
    const c = await ws.compareLabels(id, 'v1', 'v2');
    assert.deepEqual(c.labels['1'], { before: 40, after: 40, added: 20, removed: 20, dice: 0.5 });
    assert.deepEqual(c.labels['2'], { before: 0, after: 5, added: 5, removed: 0, dice: 0 });
    assert.equal(c.changedVoxels, 45);
  });
});

test('an auto-segment proposal is no version and changes no status until accepted; accept records parent and model source', async () => {
  await withWorkspace(async (ws, id) => {
    await ws.saveLabel(id, blob(1, 40), { source: 'import' });
    const revision = ws.manifest().revision;
    const p = await ws.setProposal(id, blob(1, 70), 'model:liver@1.0');
    assert.equal(p.baseVersion, 'v1');
    assert.equal(p.voxelCounts['1'], 70);
    assert.equal(ws.manifest().revision, revision, 'a proposal commits nothing');
    assert.equal(ws.getCase(id).status, 'verified');
    assert.equal(ws.labelHistory(id).length, 1);
    assert.equal((await ws.readProposalLabels(id)).data.filter((v) => v === 1).length, 70);
    await ws.discardProposal(id);
    assert.equal(await ws.proposal(id), null);
    await assert.rejects(ws.acceptProposal(id), /no auto-segment proposal/);
    await ws.setProposal(id, blob(1, 70), 'model:liver@1.0');
    const v2 = await ws.acceptProposal(id);
    assert.equal(v2.id, 'v2');
    assert.equal(v2.parent, 'v1');
    assert.equal(v2.source, 'model:liver@1.0');
    assert.equal(ws.getCase(id).status, 'draft');
    assert.equal(await ws.proposal(id), null, 'accepting removes the proposal');
  });
});

test('label names are workspace-wide: add, rename, recolour; removing one with voxels needs its voxel count confirmed', async () => {
  await withWorkspace(async (ws, id) => {
    assert.deepEqual(ws.labelNames(), [{ value: 1, name: 'liver', color: null }]);
    const tumour = await ws.addLabelName('tumour', '#FFCC00');
    assert.deepEqual(tumour, { value: 2, name: 'tumour', color: '#ffcc00' });
    await assert.rejects(ws.addLabelName('Liver'), /already has a label named 'liver'/);
    await ws.renameLabelName(2, 'lesion');
    await ws.recolorLabel(1, '#aa0000');
    assert.deepEqual(ws.labelNames(), [
      { value: 1, name: 'liver', color: '#aa0000' },
      { value: 2, name: 'lesion', color: '#ffcc00' },
    ]);
    await ws.saveLabel(id, blob(2, 7), { source: 'manual' });
    assert.deepEqual(ws.labelUsage(2), { value: 2, voxels: 7, cases: [id] });
    await assert.rejects(ws.removeLabelName(2), /label 'lesion' has 7 voxels in 1 case/);
    await assert.rejects(ws.removeLabelName(2, 6), /has 7 voxels/);
    await ws.removeLabelName(2, 7);
    assert.deepEqual(
      ws.labelNames().map((l) => l.name),
      ['liver'],
    );
    await assert.rejects(ws.removeLabelName(1), /'liver' is the label of this liver workspace/);
    await ws.close();
    const again = await Workspace.open(ws.dir, { readOnly: true });
    assert.deepEqual(again.labelNames(), [{ value: 1, name: 'liver', color: '#aa0000' }]);
    await again.close();
  });
});

test('rename changes only the display name; delete moves a case to the trash, restore brings it back, empty removes files', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const ids = await addSyntheticCases(ws, 5);
    await ws.saveLabel(ids[0], blob(1, 40), { source: 'manual' });
    const renamed = await ws.renameCase(ids[0], 'Patient A');
    assert.equal(renamed.name, 'Patient A');
    assert.equal(renamed.id, ids[0]);
    await ws.makeSplit({ val: 0.2, test: 0.2, seed: 1, lockTest: true });
    const locked = ws.cases().find((c) => c.testLocked)!;
    await assert.rejects(ws.deleteCase(locked.id), (e: unknown) => e instanceof LobuleError && e.code === 'E_LOCKED');
    await ws.setLastOpenCase(ids[0]);
    await ws.deleteCase(ids[0]);
    assert.equal(ws.cases().length, 4);
    assert.equal(ws.lastOpenCase(), null);
    assert.equal(ws.status().cases, 4, 'status and splits count only live cases');
    assert.ok(!ws.trainingCases().train.some((c) => c.id === ids[0]));
    assert.ok(ws.takenIds().has(ids[0]), 'a trashed id stays taken');
    await assert.rejects(ws.addCase({ ...ws.trash()[0].case }), /is taken/);
    const back = await ws.restoreCase(ids[0]);
    assert.equal(back.name, 'Patient A');
    assert.equal(ws.labelHistory(ids[0]).length, 1);
    await ws.deleteCase(locked.id, { unlockTest: true });
    assert.equal(ws.trash()[0].case.testLocked, false);
    await ws.deleteCase(ids[0]);
    assert.deepEqual((await ws.emptyTrash()).sort(), [ids[0], locked.id].sort());
    assert.deepEqual(ws.trash(), []);
    await assert.rejects(stat(join(dir, 'images', `${ids[0]}.nii.gz`)), /ENOENT/);
    await assert.rejects(stat(join(dir, 'labels', ids[0])), /ENOENT/);
    await ws.close();
    const again = await Workspace.open(dir, { readOnly: true });
    assert.equal(again.cases().length, 3);
    await again.close();
  });
});

test('import holds back an "image" that looks like a label map, imports it when told it is an image, and reports duplicates', async () => {
  await inTempDir(async (dir) => {
    const { writeNifti } = await import('../../engine/io/nifti-write.js');
    const { makeVolume } = await import('../../engine/common/volume.js');
    const { smallImage, SMALL_AFFINE } = await import('./helpers.js');
    const ws = await Workspace.init(join(dir, 'ws'));
    const ct = join(dir, 'ct.nii.gz');
    await writeNifti(ct, smallImage());
    const mask = join(dir, 'mask.nii.gz');
    await writeNifti(mask, makeVolume(blob(1, 30), [8, 6, 4], SMALL_AFFINE));
    const first = await ws.importPaths([ct, mask]);
    assert.deepEqual(
      first.imported.map((c) => c.caseId),
      ['ct'],
    );
    assert.equal(first.looksLikeLabel.length, 1);
    assert.equal(first.looksLikeLabel[0].path, mask);
    assert.match(first.looksLikeLabel[0].reason, /every voxel is one of 0, 1 \(uint8\).*label map/);
    assert.deepEqual(first.looksLikeLabel[0].sameGridCases, ['ct'], 'it could be the label of case ct');
    assert.equal(ws.cases().length, 1, 'nothing stored for it');
    const asImage = await ws.importPaths([mask], { acceptLabelLikeImages: true });
    assert.deepEqual(
      asImage.imported.map((c) => c.caseId),
      ['mask'],
    );
    const copy = join(dir, 'copy-of-ct.nii.gz');
    await writeFile(copy, await readFile(ct));
    const dup = await ws.importPaths([copy]);
    assert.equal(dup.imported[0].duplicateOf, 'ct');
    assert.ok(dup.notices.includes(`${copy} is the same image (sha256) as case ct; imported as copy-of-ct`), dup.notices.join('\n'));
    assert.equal(ws.getCase('copy-of-ct').imageSha256, ws.getCase('ct').imageSha256);
    await ws.close();
  });
});
