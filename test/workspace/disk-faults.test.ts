/**
 * Issue 15 rows "a full disk leaves a 0-byte lock file" and "full disk, ulimit -f, read-only workspace: raw system
 * messages": on a real small tmpfs (when this machine lets the test mount one: root on Linux), a real file-size
 * limit (ulimit -f in a child) and a real read-only remount. Where mounting is not allowed, the disk-full and
 * read-only cases check the same mapping with the errno errors those file systems raise (said in the output).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LobuleError } from '../../engine/errors.js';
import { writeError, writeFileAtomic } from '../../engine/io/atomic.js';
import { acquireLock, LOCK_FILE } from '../../engine/workspace/lock.js';

const root = mkdtempSync(join(tmpdir(), 'lobule-disk-'));
const mnt = join(root, 'small');
mkdirSync(mnt);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}
after(() => {
  if (mounted) spawnSync('umount', [mnt]);
  rmSync(root, { recursive: true, force: true });
});

function fill(dir: string): void {
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(1 << 20));
  } catch {
    // ENOSPC once the file system is full: what this helper is for
  }
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

test('a full disk when opening a workspace leaves no lock file, and says the disk is full', async (t) => {
  if (!mounted) {
    t.diagnostic('no tmpfs could be mounted: checking the mapping of ENOSPC only');
    const e = writeError(errno('ENOSPC'), '/w/lobule.lock');
    assert.ok(e instanceof LobuleError && e.code === 'E_DISK_FULL');
    return;
  }
  const ws = join(mnt, 'ws');
  mkdirSync(ws);
  fill(mnt);
  await assert.rejects(acquireLock(ws), (e: unknown) => {
    assert.ok(e instanceof LobuleError, String(e));
    assert.equal(e.code, 'E_DISK_FULL');
    assert.match(e.message, /could not open the workspace for writing: the disk is full/);
    assert.match(e.message, /Free disk space/);
    return true;
  });
  assert.equal(existsSync(join(ws, LOCK_FILE)), false, 'an empty lock file was left behind');
  assert.deepEqual(readdirSync(ws), [], 'a temp file was left behind');
  rmSync(join(mnt, 'filler'), { force: true });
  const lock = await acquireLock(ws);
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
});

test('a save on a full disk says what was not saved and what to do; the old file is unchanged', async (t) => {
  if (!mounted) {
    t.diagnostic('no tmpfs could be mounted: checking the mapping of ENOSPC only');
    assert.match(
      (writeError(errno('ENOSPC'), '/w/labels/a/v2.nii.gz') as Error).message,
      /disk is full: \/w\/labels\/a\/v2\.nii\.gz was not saved/,
    );
    return;
  }
  const file = join(mnt, 'labels.json');
  rmSync(join(mnt, 'filler'), { force: true });
  await writeFileAtomic(file, 'old');
  fill(mnt);
  await assert.rejects(writeFileAtomic(file, Buffer.alloc(512 << 10, 1)), (e: unknown) => {
    assert.ok(e instanceof LobuleError, String(e));
    assert.equal(e.code, 'E_DISK_FULL');
    assert.match(e.message, /the disk is full: .*labels\.json was not saved, the previous version of the file is unchanged/);
    assert.match(e.message, /unsaved label edits are kept in the journal/);
    return true;
  });
  assert.equal(readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(
    readdirSync(mnt).filter((n) => n.includes('lobule-tmp')),
    [],
    'a temp file was left behind',
  );
  rmSync(join(mnt, 'filler'), { force: true });
});

test('a save on a read-only file system says so and how to continue', async (t) => {
  if (!mounted) {
    t.diagnostic('no tmpfs could be mounted: checking the mapping of EROFS only');
    const e = writeError(errno('EROFS'), '/w/lobule.json');
    assert.ok(e instanceof LobuleError && /read-only file system/.test(e.message));
    return;
  }
  const file = join(mnt, 'manifest.json');
  await writeFileAtomic(file, 'old');
  execFileSync('mount', ['-o', 'remount,ro', mnt]);
  try {
    await assert.rejects(writeFileAtomic(file, 'new'), (e: unknown) => {
      assert.ok(e instanceof LobuleError, String(e));
      assert.equal(e.code, 'E_WORKSPACE');
      assert.match(e.message, /manifest\.json was not saved: the folder is on a read-only file system/);
      assert.match(e.message, /Copy the workspace to a writable disk/);
      return true;
    });
  } finally {
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
  }
  assert.equal(readFileSync(file, 'utf8'), 'old');
});

test('a save over the file-size limit (ulimit -f) says which limit and what to do', () => {
  const script = fileURLToPath(new URL('./helpers/write-big.ts', import.meta.url));
  const target = join(root, 'big.bin');
  writeFileSync(target, 'old');
  const r = spawnSync('sh', ['-c', `ulimit -f 8 && exec "${process.execPath}" --import tsx "${script}" "${target}"`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const reply = JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
  assert.equal(reply.code, 'E_DISK_FULL', JSON.stringify(reply));
  assert.match(reply.message, /big\.bin was not saved: it is larger than the file-size limit .*ulimit -f/);
  assert.equal(readFileSync(target, 'utf8'), 'old');
});
