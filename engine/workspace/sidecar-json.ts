/**
 * The workspace's small JSON sidecars (a proposal's metadata, the stored probabilities' metadata). Written last,
 * after the old one is gone, so a crash never leaves a sidecar describing other data; read back, absent is null
 * and a file that is not valid JSON or not of its schema is the caller's "damaged" error, never a crash.
 */
import { readFile, unlink } from 'node:fs/promises';
import type { z } from 'zod';
import type { LobuleError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

/** Replaces the data (`writeData`) and then its sidecar at `path`. */
export async function writeWithSidecar(path: string, sidecar: unknown, writeData: () => Promise<void>): Promise<void> {
  await unlink(path).catch(() => undefined); // never leave old metadata describing new data mid-write
  await writeData();
  await writeFileAtomic(path, JSON.stringify(sidecar, null, 2) + '\n');
}

export async function readSidecarJson<S extends z.ZodType>(
  path: string,
  schema: S,
  damaged: () => LobuleError,
): Promise<z.infer<S> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw damaged();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw damaged();
  return parsed.data;
}
