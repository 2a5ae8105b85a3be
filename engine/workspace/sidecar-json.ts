/**
 * The workspace's small JSON sidecars (a proposal's metadata, the stored probabilities' metadata). Written last,
 * after the old one is gone, so a crash never leaves a sidecar describing other data; read back, absent is null
 * and a file that is not valid JSON or not of its schema is the caller's "damaged" error, never a crash.
 */
import { readFile, unlink } from 'node:fs/promises';
import type { z } from 'zod';
import type { LobuleError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

/** Where one case's data file and its sidecar lie. */
export interface SidecarPaths {
  readonly data: string;
  readonly meta: string;
}

/**
 * One kind of per-case data with a sidecar (a proposal, the stored probabilities): its paths, its schema and its
 * "damaged" error stated once; write, read and remove follow from them.
 */
export function caseSidecarStore<S extends z.ZodType>(spec: {
  paths: (dir: string, caseId: string) => SidecarPaths;
  schema: S;
  damaged: (caseId: string) => LobuleError;
}) {
  return {
    paths: spec.paths,
    /** Replaces the case's data (`writeData` writes it at the given path) and then its sidecar. */
    write(dir: string, caseId: string, sidecar: z.infer<S>, writeData: (dataPath: string) => Promise<void>): Promise<void> {
      const p = spec.paths(dir, caseId);
      return writeWithSidecar(p.meta, sidecar, () => writeData(p.data));
    },
    /** The case's sidecar, or null. @throws the store's "damaged" error when it is not valid. */
    read(dir: string, caseId: string): Promise<z.infer<S> | null> {
      return readSidecarJson(spec.paths(dir, caseId).meta, spec.schema, () => spec.damaged(caseId));
    },
    /** Removes the sidecar first, then the data; absent files are fine. */
    async remove(dir: string, caseId: string): Promise<void> {
      const p = spec.paths(dir, caseId);
      for (const f of [p.meta, p.data]) {
        await unlink(f).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
      }
    },
  };
}

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
