/**
 * Crash-safe file writes, for every file Lobule saves (workspace, checkpoints, caches, run records). A reader
 * (this process after a crash, another process, the user's file browser) must only ever see the old file or the new
 * one, never a prefix: so bytes go to a temp file in the same folder, are fsynced, and the temp file is renamed
 * over the target (rename is atomic within one file system); the folder is fsynced so the rename itself survives a
 * power cut.
 */
import { copyFile, open, rename, unlink, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LobuleError } from '../errors.js';

/** Every temp file this module writes has this marker in its name, so leftovers from a crash can be found. */
export const TEMP_MARKER = '.lobule-tmp-';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** fsync a folder so a rename or a new entry in it is durable. Some file systems refuse; that is not an error. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some network file systems cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Creates `path` (EEXIST when it exists), writes `bytes` and flushes them to disk: the first step of a safe write. */
export async function writeNewFileSynced(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync an existing file (for files written by another module's atomic writer). */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The user-facing form of a failed write: disk full, file-size limit and read-only file systems name what was not
 * saved and what to do; other errors are returned unchanged. Every write through this module fails this way, and
 * since the old file is never touched, "not saved" is all that happened (label edits stay in the journal, or in
 * the app until a save succeeds).
 */
export function writeError(e: unknown, path: string): unknown {
  if (e instanceof LobuleError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const kept = 'the previous version of the file is unchanged';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LobuleError(
      'E_DISK_FULL',
      `the disk is full${code === 'EDQUOT' ? ' (your disk quota is used up)' : ''}: ${path} was not saved, ${kept}`,
      'Free disk space, then save again; unsaved label edits are kept in the journal until then',
      { cause: e },
    );
  }
  if (code === 'EFBIG') {
    return new LobuleError(
      'E_DISK_FULL',
      `${path} was not saved: it is larger than the file-size limit of this system or account (ulimit -f), ${kept}`,
      'Raise the file-size limit (ulimit -f unlimited) or save to a file system without one, then save again',
      { cause: e },
    );
  }
  if (code === 'EROFS') {
    return new LobuleError(
      'E_WORKSPACE',
      `${path} was not saved: the folder is on a read-only file system, ${kept}`,
      'Copy the workspace to a writable disk and open it there (or remount the disk read-write)',
      { cause: e },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new LobuleError(
      'E_WORKSPACE',
      `${path} was not saved: permission denied, ${kept}`,
      'Make the folder writable for your account, or open a copy of the workspace in a folder you own',
      { cause: e },
    );
  }
  return e;
}

/**
 * Writes `bytes` to `path` atomically: temp file + fsync + rename + fsync of the folder.
 * @throws LobuleError E_DISK_FULL / E_WORKSPACE for a full disk, a file-size limit or a read-only folder (the
 *   old file is left untouched and no temp file stays behind).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await writeNewFileSynced(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw writeError(e, path);
  }
  await fsyncDir(dirname(path));
}

/** Copies `from` to `to` atomically (temp copy + fsync + rename + fsync of the folder). */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  const tmp = tempPathFor(to);
  try {
    await copyFile(from, tmp);
    await fsyncFile(tmp);
    await rename(tmp, to);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw writeError(e, to);
  }
  await fsyncDir(dirname(to));
}

/**
 * The pid that wrote a temp file, for our temp names (`.name.lobule-tmp-<pid>-<hex>`) and engine/io's NIfTI
 * writer's (`.name.<pid>.<hex>.tmp`); undefined for any other file.
 */
export function tempFileOwner(name: string): number | undefined {
  const m = /\.lobule-tmp-(\d+)-[0-9a-z-]+$/.exec(name) ?? /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Removes temp files left by writes that a crash interrupted (they were never renamed, so nothing refers to them). */
export async function removeStaleTempFiles(dir: string): Promise<number> {
  let removed = 0;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const pid = tempFileOwner(name);
    if (pid === undefined) continue;
    // A temp file of a live process (this one, or another writer) may still be in flight: leave it.
    if (pid === process.pid || isProcessAlive(pid)) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed++;
  }
  return removed;
}

/** Whether a process with this id exists on this machine (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
