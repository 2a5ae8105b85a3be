/**
 * The workspace's small JSON sidecars (a proposal's metadata, the stored probabilities' metadata): absent is
 * null, and a file that is not valid JSON or not of its schema is the caller's "damaged" error, never a crash.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { LobuleError } from '../errors.js';

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
