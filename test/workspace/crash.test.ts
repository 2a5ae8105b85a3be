import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Workspace } from '../../engine/workspace/workspace.js';
import { readNifti } from '../../engine/io/nifti.js';
import { labelCounts } from '../../engine/common/crop.js';
import { Rng } from '../../engine/common/rng.js';
import { tempFileOwner } from '../../engine/io/atomic.js';
import { addSyntheticCases, spawnTs, inTempDir, waitForExit, waitForLine } from './helpers.js';
import { sharedData } from '../helpers/data.js';
import { CT_SM, LIVER_SM } from './datasets.js';

const ROUNDS = 8;

test('a process killed at random mid-save leaves no bad manifest or half-written label; the last completed save is intact', async () => {
  await inTempDir(async (dir) => {
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
    console.log(
      `# crash test: ${ROUNDS} kills, last version ${lastSaved.id}, ${interruptedWrites} interrupted writes and ${orphans.size} ` +
        `label files written but not yet committed seen (all handled)`,
    );
  });
});

test('an import killed at random never leaves a case without its image or labels, and finishes on a rerun without duplicates', async () => {
  await inTempDir(async (dir) => {
    const ds = join(dir, 'Task99_Many');
    await mkdir(join(ds, 'imagesTr'), { recursive: true });
    await mkdir(join(ds, 'labelsTr'), { recursive: true });
    const N = 30;
    const training = [];
    for (let i = 0; i < N; i++) {
      await copyFile(sharedData(CT_SM), join(ds, 'imagesTr', `c_${i}.nii.gz`));
      await copyFile(sharedData(LIVER_SM), join(ds, 'labelsTr', `c_${i}.nii.gz`));
      training.push({ image: `./imagesTr/c_${i}.nii.gz`, label: `./labelsTr/c_${i}.nii.gz` });
    }
    await writeFile(join(ds, 'dataset.json'), JSON.stringify({ modality: { 0: 'CT' }, labels: { 0: 'background', 1: 'liver' }, training }));
    const wsDir = join(dir, 'ws');
    await (await Workspace.init(wsDir)).close();
    const rng = Rng.derive(7, 'import-crash-test');
    const counts: number[] = [];
    for (let round = 0; round < 4; round++) {
      const child = spawnTs('test/workspace/fixtures/import-loop.ts', [wsDir, ds]);
      await waitForLine(child, /^ready$/);
      await delay(rng.int(120));
      child.kill('SIGKILL');
      await waitForExit(child);
      const ws = await Workspace.open(wsDir, { readOnly: true });
      counts.push(ws.cases().length);
      for (const c of ws.cases()) {
        assert.equal(c.labels.length, 1, `round ${round}: case ${c.id} was committed together with its labels`);
        assert.deepEqual((await ws.readImage(c.id)).dims, [122, 101, 30], `round ${round}: image of ${c.id} is complete`);
        assert.equal(
          createHash('sha256')
            .update(await readFile(join(wsDir, c.labels[0].file)))
            .digest('hex'),
          c.labels[0].sha256,
        );
      }
    }
    const ws = await Workspace.open(wsDir);
    const before = ws.cases().length;
    const rest = await ws.importPaths([ds]);
    console.log(`# import crash test: cases after each kill ${counts.join(', ')} of ${N}`);
    assert.equal(rest.imported.length, N - before, 'the rerun imports exactly the cases the killed runs did not finish');
    assert.equal(ws.cases().length, N);
    assert.equal(new Set(ws.cases().map((c) => c.origin)).size, N, 'no case imported twice');
    await ws.close();
  });
});
