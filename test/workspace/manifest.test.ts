import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { LobuleError } from '../../engine/errors.js';
import { addSyntheticCases, inTempDir } from './helpers.js';

test('init makes the folder layout and a manifest with schemaVersion; reopening reads the same state', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(join(dir, 'w'));
    await addSyntheticCases(ws, 2);
    await ws.close();
    const entries = (await readdir(join(dir, 'w'))).sort();
    for (const f of ['images', 'journal', 'labels', 'lobule.json', 'lobule.json.bak', 'models', 'runs'])
      assert.ok(entries.includes(f), `${f} exists`);
    assert.ok(!entries.includes('lobule.lock'), 'close releases the lock');
    const m = JSON.parse(await readFile(join(dir, 'w', 'lobule.json'), 'utf8'));
    assert.equal(m.schemaVersion, 1);
    assert.equal(m.revision, 2);
    const again = await Workspace.open(join(dir, 'w'));
    assert.deepEqual(
      again.cases().map((c) => c.id),
      ['case_000', 'case_001'],
    );
    assert.equal(again.modelsDir(), join(dir, 'w', 'models'));
    assert.equal(again.runsDir(), join(dir, 'w', 'runs'));
    await again.close();
    await assert.rejects(Workspace.init(join(dir, 'w')), /already holds a Lobule workspace/);
  });
});

test('a torn manifest is recovered from lobule.json.bak with a message, and the damaged file is kept', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    await addSyntheticCases(ws, 3);
    await ws.close();
    const text = await readFile(join(dir, 'lobule.json'), 'utf8');
    await writeFile(join(dir, 'lobule.json'), text.slice(0, Math.floor(text.length / 2))); // torn write
    const ro = await Workspace.open(dir, { readOnly: true });
    assert.match(
      ro.notices.join('\n'),
      /lobule\.json is not valid JSON.*recovered the previous manifest from lobule\.json\.bak \(revision 2\)/,
    );
    assert.equal(ro.cases().length, 2, 'the backup holds the state before the last commit');
    const rw = await Workspace.open(dir);
    assert.match(rw.notices.join('\n'), /damaged file was kept as .*lobule\.json\.damaged-\d+/);
    await rw.close();
    const clean = await Workspace.open(dir);
    assert.deepEqual(clean.notices, [], 'after repair the manifest loads cleanly');
    await clean.close();
  });
});

test('a manifest that fails the schema is recovered too; with no usable backup the error names both files', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    await addSyntheticCases(ws, 1);
    await ws.close();
    const m = JSON.parse(await readFile(join(dir, 'lobule.json'), 'utf8'));
    m.cases[0].status = 'bogus';
    await writeFile(join(dir, 'lobule.json'), JSON.stringify(m));
    const ro = await Workspace.open(dir, { readOnly: true });
    assert.match(ro.notices[0], /does not match the workspace schema at cases\.0\.status/);
    await writeFile(join(dir, 'lobule.json.bak'), '{');
    await assert.rejects(
      Workspace.open(dir, { readOnly: true }),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_CORRUPT' && /backup is damaged too/.test(e.message),
    );
  });
});

test('a manifest from a newer Lobule is refused, and a plain folder is not a workspace', async () => {
  await inTempDir(async (dir) => {
    await assert.rejects(
      Workspace.open(dir),
      (e: unknown) =>
        e instanceof LobuleError &&
        e.code === 'E_WORKSPACE' &&
        /is not a Lobule workspace/.test(e.message) &&
        /workspace init/.test(e.message),
    );
    const ws = await Workspace.init(dir);
    await ws.close();
    const m = JSON.parse(await readFile(join(dir, 'lobule.json'), 'utf8'));
    await writeFile(join(dir, 'lobule.json'), JSON.stringify({ ...m, schemaVersion: 9 }));
    await writeFile(join(dir, 'lobule.json.bak'), JSON.stringify({ ...m, schemaVersion: 9 }));
    await assert.rejects(Workspace.open(dir, { readOnly: true }), /schemaVersion 9, made by a newer Lobule/);
  });
});

test('read-only opens refuse changes', async () => {
  await inTempDir(async (dir) => {
    await (await Workspace.init(dir)).close();
    const ro = await Workspace.open(dir, { readOnly: true });
    await assert.rejects(ro.setLastOpenCase(null), /opened read-only/);
  });
});

test('lastOpenCase is remembered across opens and must name a case', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    const [id] = await addSyntheticCases(ws, 1);
    assert.equal(ws.lastOpenCase(), null);
    await ws.setLastOpenCase(id);
    await assert.rejects(ws.setLastOpenCase('nope'), /no case 'nope'/);
    await ws.close();
    const again = await Workspace.open(dir, { readOnly: true });
    assert.equal(again.lastOpenCase(), id);
  });
});

test('a manifest pointing outside the workspace or naming a case twice fails validation', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    await addSyntheticCases(ws, 2);
    await ws.close();
    const good = JSON.parse(await readFile(join(dir, 'lobule.json'), 'utf8'));
    const outside = structuredClone(good);
    outside.cases[0].image = '../../etc/passwd';
    await writeFile(join(dir, 'lobule.json'), JSON.stringify(outside));
    assert.match((await Workspace.open(dir, { readOnly: true })).notices[0], /cases\.0\.image: must be a path inside the workspace folder/);
    const twice = structuredClone(good);
    twice.cases[1].id = twice.cases[0].id;
    await writeFile(join(dir, 'lobule.json'), JSON.stringify(twice));
    assert.match((await Workspace.open(dir, { readOnly: true })).notices[0], /case id 'case_000' appears twice/);
  });
});
