/**
 * Runs one workspace import in a child process (jobs/import-process.ts) and resolves with its report, so decoding
 * many DICOM files never stalls the host's event loop.
 *
 * The workspace lock never leaves this process: the child inherits it through a lock token (LOBULE_LOCK_TOKEN,
 * see engine/workspace/lock.ts) and works under it, and afterwards the host reopens its workspace (to see what the
 * child committed) without letting go of the lock file. Before, the host closed its workspace for the duration,
 * and any other Lobule process could take the workspace in between.
 */
import { fileURLToPath } from 'node:url';
import { cancelledError, LobuleError } from '../engine/errors.js';
import type { ImportReport } from '../engine/workspace/importer.js';
import { heldLockOf, lockTokenEnv, retainLockForReopen } from '../engine/workspace/lock.js';
import { Workspace } from '../engine/workspace/workspace.js';
import type { ImportReply, ImportRequest } from './jobs/import-process.js';
import { spawnChild } from './jobs/spawn.js';

const EXT = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
const ENTRY = fileURLToPath(new URL(`./jobs/import-process${EXT}`, import.meta.url));

export interface ImportRunOptions {
  /** Stops the import: the child is ended; cases it committed stay, a half-written one is cleaned up on open. */
  readonly signal?: AbortSignal;
}

export async function importInChild(request: ImportRequest, options: ImportRunOptions = {}): Promise<ImportReport> {
  const lock = await heldLockOf(request.dir);
  if (!lock)
    throw new LobuleError(
      'E_LOCKED',
      `this process does not hold the lock of workspace ${request.dir}`,
      'Open the workspace for writing first',
    );
  if (options.signal?.aborted) throw cancelledError('the import');
  return new Promise((resolve, reject) => {
    const child = spawnChild(ENTRY, {
      execArgv: process.execArgv,
      env: { ...process.env, ...lockTokenEnv(lock) },
      serviceName: 'lobule import',
    });
    let reply: ImportReply | null = null;
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: ImportReply) => (reply = m));
    child.on('error', (e: Error) => reject(e));
    child.on('exit', (code: number | null, signal: string | null) => {
      options.signal?.removeEventListener('abort', onAbort);
      const r = reply as ImportReply | null;
      if (r?.ok) return resolve(r.report);
      if (r) return reject(new LobuleError(r.error.code, r.error.message));
      if (options.signal?.aborted) return reject(cancelledError('the import'));
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      reject(
        new LobuleError(
          'E_JOB_FAILED',
          `the import process ${how} before finishing`,
          'Cases imported before it stopped are kept; import the rest again',
        ),
      );
    });
    child.send(request);
  });
}

/**
 * Closes and reopens `ws` (to load what a child process committed) while keeping its lock file in place.
 * @returns the reopened workspace; the old object is closed.
 */
export async function reopenKeepingLock(ws: Workspace): Promise<Workspace> {
  const lock = await heldLockOf(ws.dir);
  if (lock) retainLockForReopen(lock);
  await ws.close();
  return Workspace.open(ws.dir);
}
