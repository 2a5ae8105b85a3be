/**
 * The autosave journal: unsaved label edits of one case, written often and atomically to
 * `journal/<case>.journal`, so a crash loses at most the edits since the last autosave. It is a scratch copy, not
 * a label version: saving a version (or discarding the edits) clears it.
 *
 * File format (hand-written because it is tiny and must be self-checking): magic `LBJ1`, uint32 LE header length,
 * UTF-8 JSON header {meta, savedAt, length, sha256}, then the gzip-compressed payload. A file whose hash does not
 * match is reported, never silently used.
 */
import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JournalMeta = Readonly<Record<string, JsonValue>>;

export interface JournalEntry {
  readonly bytes: Uint8Array;
  readonly meta: JournalMeta;
  readonly savedAt: string;
}

const MAGIC = Buffer.from('LBJ1', 'ascii');
const headerSchema = z.object({
  meta: z.record(z.string(), z.unknown()),
  savedAt: z.string(),
  length: z.number().int().nonnegative(),
  sha256: z.string(),
});

export function journalPath(dir: string, caseId: string): string {
  return join(dir, 'journal', `${caseId}.journal`);
}

export async function writeJournalFile(path: string, bytes: Uint8Array, meta: JournalMeta): Promise<void> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // Level 1: label edits compress ~100× even at the fastest level, and autosave must not stall the UI.
  const payload = gzipSync(bytes, { level: 1 });
  const header = Buffer.from(JSON.stringify({ meta, savedAt: new Date().toISOString(), length: bytes.length, sha256 }), 'utf8');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length, 0);
  await writeFileAtomic(path, Buffer.concat([MAGIC, size, header, payload]));
}

/** @returns the journal, or undefined when there is none. @throws LobuleError E_CORRUPT when it fails its check. */
export async function readJournalFile(path: string): Promise<JournalEntry | undefined> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const corrupt = (why: string) =>
    new LobuleError('E_CORRUPT', `autosave journal ${path} is damaged (${why})`, 'Discard it (the last saved label version is intact)');
  if (file.length < 8 || !file.subarray(0, 4).equals(MAGIC)) throw corrupt('not a Lobule journal');
  const headerLength = file.readUInt32LE(4);
  if (8 + headerLength > file.length) throw corrupt('header cut short');
  let header: z.infer<typeof headerSchema>;
  try {
    header = headerSchema.parse(JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')));
  } catch {
    throw corrupt('unreadable header');
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(gunzipSync(file.subarray(8 + headerLength)));
  } catch {
    throw corrupt('payload cut short');
  }
  if (bytes.length !== header.length || createHash('sha256').update(bytes).digest('hex') !== header.sha256)
    throw corrupt('checksum mismatch');
  return { bytes, meta: header.meta as JournalMeta, savedAt: header.savedAt };
}

export async function removeJournalFile(path: string): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}
