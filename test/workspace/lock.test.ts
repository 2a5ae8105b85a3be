import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { LobuleError } from '../../engine/errors.js';
import { spawnTs, inTempDir, tempDir, waitForExit, waitForLine } from './helpers.js';

test('two processes on one workspace: the second gets "workspace is open in pid N on HOST"', async () => {
  const { dir, cleanup } = await tempDir();
  const child = spawnTs('test/workspace/fixtures/hold-open.ts', [dir]);
  try {
    await (await Workspace.init(dir)).close();
    const line = await waitForLine(child, /^open \d+$/);
    const pid = Number(line.split(' ')[1]);
    await assert.rejects(Workspace.open(dir), (e: unknown) => {
      assert.ok(e instanceof LobuleError);
      assert.equal(e.code, 'E_LOCKED');
      assert.match(e.message, new RegExp(`^workspace is open in pid ${pid} on ${hostname().replace(/[.]/g, '\\.')}`));
      return true;
    });
    const ro = await Workspace.open(dir, { readOnly: true });
    assert.equal(ro.cases().length, 0, 'a read-only open needs no lock');
    child.stdin!.end();
    assert.equal(await waitForExit(child), 0);
    const after = await Workspace.open(dir);
    assert.deepEqual(after.notices, [], 'a cleanly closed workspace leaves no lock behind');
    await after.close();
  } finally {
    child.kill('SIGKILL');
    await cleanup();
  }
});

test('a stale lock of a killed process is taken over with a message', async () => {
  await inTempDir(async (dir) => {
    await (await Workspace.init(dir)).close();
    const child = spawnTs('test/workspace/fixtures/hold-open.ts', [dir]);
    const pid = Number((await waitForLine(child, /^open \d+$/)).split(' ')[1]);
    child.kill('SIGKILL');
    await waitForExit(child);
    const lock = JSON.parse(await readFile(join(dir, 'lobule.lock'), 'utf8'));
    assert.equal(lock.pid, pid, 'the killed process left its lock behind');
    const ws = await Workspace.open(dir);
    assert.match(ws.notices.join('\n'), new RegExp(`took over a stale workspace lock: pid ${pid} on .* is no longer running`));
    assert.equal(JSON.parse(await readFile(join(dir, 'lobule.lock'), 'utf8')).pid, process.pid);
    await ws.close();
  });
});

test('a lock from another machine is never taken over, and the message says how to clear it', async () => {
  await inTempDir(async (dir) => {
    await (await Workspace.init(dir)).close();
    await writeFile(join(dir, 'lobule.lock'), JSON.stringify({ pid: 4242, host: 'other-machine', since: new Date().toISOString() }));
    await assert.rejects(Workspace.open(dir), /workspace is open in pid 4242 on other-machine.*delete .*lobule\.lock/);
  });
});

test('a second open in the same process is refused while the first is open', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(dir);
    await assert.rejects(Workspace.open(dir), new RegExp(`workspace is open in pid ${process.pid} .*\\(this process\\)`));
    await ws.close();
  });
});
