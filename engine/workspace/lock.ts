/**
 * One writer per workspace: `lobule.lock` holds the writer's pid and host. It appears complete or not at all (written
 * to a temp file, then hard-linked into place, which fails if it exists), so a full disk cannot leave an empty lock
 * that blocks the next open. A lock left by a dead process on this machine is taken over (with a notice); a lock of
 * a live process, or of another machine (whose processes we cannot see), refuses the open.
 *
 * The lock never changes hands: an import job works in a staging folder and the host, which holds the lock,
 * commits what it staged (host/import-staging.ts).
 */
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import { isProcessAlive, TEMP_MARKER, writeError, writeNewFileSynced } from '../io/atomic.js';

export const LOCK_FILE = 'lobule.lock';

const lockSchema = z.object({ pid: z.number().int().positive(), host: z.string(), since: z.string() });
export type LockInfo = z.infer<typeof lockSchema>;

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Set when a stale lock was taken over; says whose. */
  readonly notice?: string;
}

async function readLock(path: string): Promise<LockInfo | 'unreadable' | 'missing'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Creates the lock file with its content in one step; false when it exists. */
async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  const text = JSON.stringify(info) + '\n';
  // named like atomic.ts's temp files, so a crash between write and unlink leaves nothing that recovery misses
  const tmp = join(dirname(path), `.${LOCK_FILE}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeNewFileSynced(tmp, text);
    await link(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links (FAT, some network shares): exclusive create, removed again if its write fails.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK') return createExclusive(path, text);
    throw lockWriteError(e, path);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockWriteError(e, path);
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    return true;
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw lockWriteError(e, path);
  }
}

function lockWriteError(e: unknown, path: string): unknown {
  const mapped = writeError(e, path);
  if (!(mapped instanceof LobuleError)) return mapped;
  return new LobuleError(mapped.code, `could not open the workspace for writing: ${mapped.message.split('. ')[0]}`, mapped.hint, {
    cause: e,
  });
}

/**
 * Takes the writer lock of workspace `dir`.
 * @throws LobuleError E_LOCKED "workspace is open in pid N on HOST" when a live writer holds it.
 */
export async function acquireLock(dir: string): Promise<HeldLock> {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  let notice: string | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await tryCreate(path, info)) {
      // Two processes taking over the same stale lock could race; the reread makes sure the file is ours.
      const check = await readLock(path);
      if (
        check !== 'missing' &&
        check !== 'unreadable' &&
        check.pid === info.pid &&
        check.host === info.host &&
        check.since === info.since
      ) {
        return { path, info, notice };
      }
      continue;
    }
    const holder = await readLock(path);
    if (holder === 'missing') continue;
    if (holder === 'unreadable') {
      // Empty or torn: either another process is writing it right now (wait a moment) or its writer crashed
      // while creating it (old file: take it over).
      const age = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0);
      if (age < 2000) {
        await delay(100);
        continue;
      }
      await unlink(path).catch(() => undefined);
      notice = `took over the workspace lock ${path}: the lock file was damaged (its writer crashed while creating it)`;
      continue;
    }
    const sameHost = holder.host === info.host;
    if (sameHost && holder.pid !== process.pid && !isProcessAlive(holder.pid)) {
      await unlink(path).catch(() => undefined);
      notice = `took over a stale workspace lock: pid ${holder.pid} on ${holder.host} (since ${holder.since}) is no longer running`;
      continue;
    }
    const where = sameHost && holder.pid === process.pid ? ' (this process)' : '';
    throw new LobuleError(
      'E_LOCKED',
      `workspace is open in pid ${holder.pid} on ${holder.host}${where} since ${holder.since}`,
      sameHost
        ? `Close Lobule there first, or open the workspace read-only`
        : `Close Lobule on ${holder.host} first; if that machine no longer uses it, delete ${path}`,
    );
  }
  throw new LobuleError(
    'E_LOCKED',
    `could not take the workspace lock ${path}: other processes keep taking it`,
    'Close the other Lobule windows and try again',
  );
}

/** Whether the lock file still names this holder (someone may have deleted it or taken it over). */
export async function lockStillHeld(lock: HeldLock): Promise<boolean> {
  const now = await readLock(lock.path);
  return (
    now !== 'missing' && now !== 'unreadable' && now.pid === lock.info.pid && now.host === lock.info.host && now.since === lock.info.since
  );
}

export async function releaseLock(lock: HeldLock): Promise<void> {
  if (await lockStillHeld(lock)) await unlink(lock.path).catch(() => undefined);
}
