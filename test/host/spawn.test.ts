/**
 * Job and import processes start as Electron utility processes inside the app (its RunAsNode fuse is off) and as
 * Node children elsewhere. Electron's binary cannot run here, so the utility path is driven through a stand-in of
 * utilityProcess.fork; everything behind it (the adapter, the message routing) is the real code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { spawnChild, spawnKind, type UtilityFork, type UtilityProcessLike } from '../../host/jobs/spawn.js';
import { packageRoot } from '../../engine/paths.js';
import { join } from 'node:path';

test("inside Electron's main process jobs use utilityProcess; under Node, in a renderer or a utility process, fork", () => {
  assert.equal(spawnKind({ ...process.versions, electron: '45.5.0' }, 'browser'), 'utility');
  assert.equal(spawnKind({ ...process.versions, electron: '45.5.0' }, 'renderer'), 'node');
  assert.equal(spawnKind({ ...process.versions, electron: '45.5.0' }, 'utility'), 'node');
  assert.equal(spawnKind(process.versions, undefined), 'node');
  assert.equal(spawnKind(), 'node', 'this test runs under plain Node');
});

test('a utility child gets the entry and environment (no ELECTRON_RUN_AS_NODE) and routes messages and exit', () => {
  const calls: { path: string; options: Parameters<UtilityFork>[2] }[] = [];
  const posted: unknown[] = [];
  const proc = new EventEmitter() as EventEmitter & UtilityProcessLike;
  Object.assign(proc, { pid: 4242, postMessage: (m: unknown) => posted.push(m), kill: () => proc.emit('exit', 9) });
  const fork: UtilityFork = (path, _args, options) => {
    calls.push({ path, options });
    return proc;
  };
  const child = spawnChild('/app/dist/host/jobs/job-process.js', { env: { A: '1' }, serviceName: 'lobule segment job' }, 'utility', fork);
  assert.deepEqual(
    calls.map((c) => c.path),
    ['/app/dist/host/jobs/job-process.js'],
  );
  assert.equal(calls[0].options.env?.ELECTRON_RUN_AS_NODE, undefined);
  assert.equal(calls[0].options.serviceName, 'lobule segment job');
  const got: unknown[] = [];
  child.on('message', (m: unknown) => got.push(m));
  proc.emit('message', { type: 'ready' });
  child.send({ type: 'cancel' });
  assert.deepEqual(got, [{ type: 'ready' }]);
  assert.deepEqual(posted, [{ type: 'cancel' }]);
  let exit: unknown[] = [];
  child.on('exit', (...a: unknown[]) => (exit = a));
  child.kill();
  assert.deepEqual(exit, [9, null]);
  assert.equal(child.connected, false);
  assert.equal(child.exitCode, 9);
});

test('the packaged app has its fuses set: RunAsNode off, cookie encryption on, ASAR integrity, only-load-from-ASAR', () => {
  const yml = readFileSync(join(packageRoot(), 'electron-builder.yml'), 'utf8');
  const fuses = yml.slice(yml.indexOf('electronFuses:'));
  for (const line of [
    'runAsNode: false',
    'enableCookieEncryption: true',
    'enableEmbeddedAsarIntegrityValidation: true',
    'onlyLoadAppFromAsar: true',
  ]) {
    assert.match(fuses, new RegExp(`^  ${line}$`, 'm'), line);
  }
  for (const file of ['host/jobs/runner.ts']) {
    assert.doesNotMatch(readFileSync(join(packageRoot(), file), 'utf8'), /ELECTRON_RUN_AS_NODE/, `${file} still relies on run-as-node`);
  }
});
