/**
 * `lobule serve` as a user runs it: a child process that prints its URL (with the token) on stdout, answers
 * the contract over HTTP, refuses requests without the token, and on Ctrl-C closes the workspace cleanly.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpClient } from '../../engine/api/http-client.js';
import { packageRoot } from '../../engine/paths.js';
import { tempDir } from './fixtures.js';

const RUN_CLI = "const { runCli } = await import('./cli/main.ts'); process.exitCode = await runCli(process.argv.slice(1));";

it('lobule serve prints a tokenised 127.0.0.1 URL, serves the API, and stops cleanly on SIGINT', async () => {
  const tmp = await tempDir('lobule-serve-cli-');
  const ws = join(tmp.dir, 'ws');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', RUN_CLI, 'serve', '--workspace', ws, '--port', '0'],
    {
      cwd: packageRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /(http:\/\/\S+\/\?token=[0-9a-f]+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const url = new URL(line);
    assert.equal(url.hostname, '127.0.0.1');
    assert.match(stderr, /created a new workspace/);
    assert.equal((await fetch(`${url.origin}/api/call/workspace.info`, { method: 'POST', body: '{}' })).status, 401);
    const api = createHttpClient({ baseUrl: url.origin, token: url.searchParams.get('token') ?? '' });
    const info = await api.workspace.info();
    assert.equal(info.root, ws);
    assert.equal(info.caseCount, 0);
    assert.ok(existsSync(join(ws, 'lobule.lock')), 'the server holds the workspace lock');
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.ok(!existsSync(join(ws, 'lobule.lock')), 'the lock is released on exit');
  } finally {
    child.kill('SIGKILL');
    await tmp.cleanup();
  }
});
