/** The per-user settings kept outside every workspace: the serve token per workspace and the recent list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastWorkspaceSync, recentWorkspaces, rememberWorkspace, serveTokenFor } from '../../host/user-config.js';

test('serve tokens are kept per workspace in an owner-only file of the user config folder and reused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lobule-config-'));
  const saved = process.env.LOBULE_CONFIG_DIR;
  process.env.LOBULE_CONFIG_DIR = join(dir, 'cfg');
  try {
    const a = await serveTokenFor('/data/ws-a');
    const b = await serveTokenFor('/data/ws-b');
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
    assert.equal(await serveTokenFor('/data/ws-a'), a, 'the same workspace gets the same token again');
    const file = join(dir, 'cfg', 'serve-tokens.json');
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { '/data/ws-a': a, '/data/ws-b': b });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'cfg'))).mode & 0o777, 0o700);
  } finally {
    if (saved === undefined) delete process.env.LOBULE_CONFIG_DIR;
    else process.env.LOBULE_CONFIG_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  }
});

test('the recent list puts the last opened workspace first, without duplicates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lobule-config-'));
  const saved = process.env.LOBULE_CONFIG_DIR;
  process.env.LOBULE_CONFIG_DIR = dir;
  try {
    assert.equal(lastWorkspaceSync(), undefined);
    await rememberWorkspace('/data/one');
    await rememberWorkspace('/data/two');
    await rememberWorkspace('/data/one');
    assert.deepEqual(
      (await recentWorkspaces()).map((e) => [e.path, e.name]),
      [
        ['/data/one', 'one'],
        ['/data/two', 'two'],
      ],
    );
    assert.equal(lastWorkspaceSync(), '/data/one');
  } finally {
    if (saved === undefined) delete process.env.LOBULE_CONFIG_DIR;
    else process.env.LOBULE_CONFIG_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  }
});
