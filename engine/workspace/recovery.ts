/**
 * Clean-up on open after a killed write: an image or label version whose file was written (atomically) but whose
 * manifest commit never happened is an orphan nothing points at, and a kill -9 test left 25 of them behind. A file
 * is removed only when neither the manifest nor its backup names it AND it is older than the last successful
 * commit (the manifest's mtime): a file newer than that may belong to a write still in flight, so it waits for the
 * next open after a later save. Temp files of dead writers are removed in every case folder, listed or not.
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTempFiles } from '../io/atomic.js';
import { MANIFEST_BACKUP, MANIFEST_FILE } from './manifest.js';

/** Folders whose files the manifest references; anything else (journal/, proposals/, models/, runs/) has its own rules. */
const STORED_FILES = [
  { folder: 'images', depth: 1 },
  { folder: 'labels', depth: 2 },
] as const;
const STORED = /\.nii(\.gz)?$/;

/** Every workspace-relative path string in a manifest text (current and backup), whatever field holds it. */
function referencedPaths(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') out.add(v.replace(/\\/g, '/').replace(/^\.\//, ''));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const t of texts) {
    try {
      visit(JSON.parse(t));
    } catch {
      // a torn backup names nothing; the current manifest was loaded already
    }
  }
  return out;
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

export interface RecoveryReport {
  readonly orphansRemoved: readonly string[];
  readonly tempFilesRemoved: number;
}

/**
 * Removes orphan images and label versions (see the file comment) and dead writers' temp files under images/ and
 * every labels/<case>/ folder. Call with the workspace lock held.
 */
export async function removeOrphanFiles(dir: string): Promise<RecoveryReport> {
  const manifestStat = await stat(join(dir, MANIFEST_FILE)).catch(() => undefined);
  const texts = await Promise.all([MANIFEST_FILE, MANIFEST_BACKUP].map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  const referenced = referencedPaths(texts);
  const orphansRemoved: string[] = [];
  let tempFilesRemoved = 0;
  for (const { folder, depth } of STORED_FILES) {
    const folders = depth === 1 ? [folder] : (await list(join(dir, folder))).map((c) => `${folder}/${c}`);
    for (const rel of folders) {
      tempFilesRemoved += await removeStaleTempFiles(join(dir, rel));
      if (!manifestStat) continue; // no committed manifest to compare with: remove nothing
      for (const name of await list(join(dir, rel))) {
        const file = `${rel}/${name}`;
        if (!STORED.test(name) || name.startsWith('.') || referenced.has(file)) continue;
        const s = await stat(join(dir, file)).catch(() => undefined);
        if (!s?.isFile() || s.mtimeMs >= manifestStat.mtimeMs) continue;
        await unlink(join(dir, file)).then(
          () => orphansRemoved.push(file),
          () => undefined,
        );
      }
    }
  }
  return { orphansRemoved, tempFilesRemoved };
}
