/**
 * Issue 15 row "kill -9 during serve saves: 25 orphan label files left, never removed": opening a workspace removes
 * image and label files no manifest revision names that are older than the last commit, and dead writers' temp
 * files, and keeps everything the manifest (or its backup, or the trash) names and anything newer than the commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { addSyntheticCases, tempDir } from './helpers.js';

test('opening a workspace removes orphans of killed writes and keeps every referenced or newer file', async () => {
  const t = await tempDir('lobule-recovery-');
  try {
    const ws = await Workspace.init(join(t.dir, 'ws'));
    const [a, b] = await addSyntheticCases(ws, 2);
    const v1 = await ws.saveLabel(a, new Uint8Array(8 * 6 * 4).fill(1), { source: 'manual' });
    await ws.saveLabel(a, new Uint8Array(8 * 6 * 4).fill(2), { source: 'manual' });
    await ws.close();
    const dir = ws.dir;
    const labelFile = join(dir, ws.cases()[0].labels[0].file);
    // what kill -9 between a file's rename and its manifest commit leaves: 25 label versions and an image
    const orphans = Array.from({ length: 25 }, (_, n) => join(dir, 'labels', a, `v${900 + n}.nii.gz`));
    for (const o of orphans) copyFileSync(labelFile, o);
    const ghostImage = join(dir, 'images', 'ghost.nii.gz');
    copyFileSync(join(dir, 'images', `${b}.nii.gz`), ghostImage);
    const deadTemp = join(dir, 'labels', a, `.v3.nii.gz.lobule-tmp-999999999-abcd1234`);
    writeFileSync(deadTemp, 'partial');
    const past = new Date(statSync(join(dir, 'lobule.json')).mtimeMs - 60_000);
    for (const f of [...orphans, ghostImage]) utimesSync(f, past, past);
    // written after the last commit: may be a write in flight, so it stays
    const newer = join(dir, 'labels', a, 'v7.nii.gz');
    copyFileSync(labelFile, newer);
    const future = new Date(Date.now() + 60_000);
    utimesSync(newer, future, future);

    const again = await Workspace.open(dir);
    try {
      for (const o of [...orphans, ghostImage, deadTemp]) assert.equal(existsSync(o), false, `${o} was kept`);
      assert.equal(existsSync(newer), true, 'a file newer than the last commit was removed');
      for (const c of again.cases()) {
        assert.ok(existsSync(join(dir, c.image)), c.image);
        for (const l of c.labels) assert.ok(existsSync(join(dir, l.file)), l.file);
      }
      assert.equal(again.labelHistory(a).length, 2);
      assert.equal((await again.readLabel(a, v1.id)).data[0], 1);
      assert.ok(
        again.notices.some((n) => /removed 27 unfinished temp file/.test(n)),
        again.notices.join('; '),
      );
    } finally {
      await again.close();
    }
  } finally {
    await t.cleanup();
  }
});
