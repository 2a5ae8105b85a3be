import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Workspace } from '../../engine/workspace/workspace.js';
import { readNifti } from '../../engine/io/nifti.js';
import { labelCounts } from '../../engine/volume/crop.js';
import { Rng } from '../../engine/training/data/rng.js';
import { tempFileOwner } from '../../engine/workspace/atomic.js';
import { addSyntheticCases, spawnTs, tempDir, waitForExit, waitForLine } from './helpers.js';

const ROUNDS = 8;

test('a process killed at random points mid-save never leaves a bad manifest or a half-written label; the last completed save is intact', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const setup = await Workspace.init(dir);
    const [caseId] = await addSyntheticCases(setup, 2, 'ct', [96, 96, 48]);
    await setup.close();
    const rng = Rng.derive(20261126, 'crash-test');
    let lastSaved: { id: string; sha: string } | undefined;
    let interruptedWrites = 0;
    const orphans = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawnTs('test/workspace/fixtures/save-loop.ts', [dir, caseId]);
      child.stdout!.on('data', (chunk: Buffer) => {
        for (const m of chunk.toString().matchAll(/^saved (v\d+) ([0-9a-f]{64})$/gm)) lastSaved = { id: m[1], sha: m[2] };
      });
      await waitForLine(child, /^ready$/);
      await delay(50 + rng.int(600));
      child.kill('SIGKILL');
      await waitForExit(child);

      const labelDir = join(dir, 'labels', caseId);
      for (const d of [dir, labelDir, join(dir, 'journal')]) {
        interruptedWrites += (await readdir(d).catch(() => [] as string[])).filter((f) => tempFileOwner(f) !== undefined).length;
      }
      const ws = await Workspace.open(dir);
      assert.ok(!ws.notices.some((n) => /recovered/.test(n)), `round ${round}: the manifest itself loaded (${ws.notices.join('; ')})`);
      assert.match(ws.notices.join('\n'), /took over a stale workspace lock/);
      const history = ws.labelHistory(caseId);
      for (const f of await readdir(labelDir)) if (!history.some((v) => v.file.endsWith(`/${f}`))) orphans.add(f);
      if (lastSaved) {
        const v = history.find((x) => x.id === lastSaved!.id);
        assert.ok(v, `round ${round}: last completed save ${lastSaved.id} is in the manifest`);
        assert.equal(v.sha256, lastSaved.sha);
      }
      for (const v of history) {
        const bytes = await readFile(join(dir, v.file));
        assert.equal(createHash('sha256').update(bytes).digest('hex'), v.sha256, `round ${round}: ${v.id} file matches its sha256`);
        const counts = Object.fromEntries([...labelCounts(await ws.readLabel(caseId, v.id))].map(([k, c]) => [String(k), c]));
        assert.deepEqual(counts, v.voxelCounts);
      }
      for (const name of await readdir(labelDir)) {
        assert.equal(tempFileOwner(name), undefined, `round ${round}: leftover temp file ${name} was cleaned up on open`);
        const vol = await readNifti(join(labelDir, name)); // every label file, even one the manifest never got to, is complete
        assert.deepEqual(vol.dims, [96, 96, 48]);
      }
      const j = await ws.readJournal(caseId).catch((e: Error) => e);
      assert.ok(!(j instanceof Error), `round ${round}: the journal is never torn`);
      await ws.close();
    }
    assert.ok(lastSaved, 'the child completed saves before being killed');
    console.log(`# crash test: ${ROUNDS} kills, last version ${lastSaved.id}, ${interruptedWrites} interrupted writes and ${orphans.size} label files written but not yet committed seen (all handled)`);
  } finally {
    await cleanup();
  }
});
