/** Shared set-up for workspace tests: temp folders, synthetic cases, and child processes run through tsx. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { makeVolume, type Volume } from '../../engine/common/volume.js';
import type { Workspace } from '../../engine/workspace/workspace.js';

export async function tempDir(prefix = 'lobule-ws-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs `body` in a fresh temporary folder and removes the folder afterwards, whether `body` passes or throws. */
export async function inTempDir<T>(body: (dir: string) => Promise<T>, prefix?: string): Promise<T> {
  const { dir, cleanup } = await tempDir(prefix);
  try {
    return await body(dir);
  } finally {
    await cleanup();
  }
}

export const SMALL_AFFINE = [2, 0, 0, -10, 0, 2, 0, 20, 0, 0, 3, 5, 0, 0, 0, 1];

export function smallImage(dims: [number, number, number] = [8, 6, 4], seed = 1): Volume<Int16Array> {
  const n = dims[0] * dims[1] * dims[2];
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 37 + seed * 101) % 400) - 200;
  return makeVolume(data, dims, SMALL_AFFINE);
}

/**
 * Adds `n` small synthetic cases (real NIfTI image files + Workspace.addCase) without going through import, for
 * tests of splits and statuses that do not need real CT.
 */
export async function addSyntheticCases(
  ws: Workspace,
  n: number,
  prefix = 'case',
  dims: [number, number, number] = [8, 6, 4],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}_${String(i).padStart(3, '0')}`;
    const img = smallImage(dims, i);
    await writeNifti(join(ws.dir, 'images', `${id}.nii.gz`), img);
    await ws.addCase({
      id,
      image: `images/${id}.nii.gz`,
      origin: `synthetic:${id}`,
      importedAt: new Date().toISOString(),
      geometry: { dims: [...img.dims] as [number, number, number], affine: Array.from(img.affine) },
    });
    ids.push(id);
  }
  return ids;
}

/** Starts `node --import tsx <script> ...args` from the repo root. */
export function spawnTs(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(packageRoot(), script), ...args], {
    cwd: packageRoot(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stdout line matching `pattern` (rejects if the child exits first). */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines)
        if (pattern.test(line)) {
          child.stdout!.off('data', onData);
          resolve(line);
          return;
        }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${err}`)));
  });
}

/** Resolves once the child has exited and its stdout/stderr are drained ('close', not 'exit'). */
export function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.stdout!.closed && (child.exitCode !== null || child.signalCode !== null)) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });
}
