/**
 * The probabilities of a case's last auto-segment, kept beside its proposal so the Segment editor's local AI
 * correction re-thresholds the model's answer without running the network twice. Unlike the proposal they outlive
 * Accept (correcting the accepted labels is when they are needed); the next auto-segment replaces them and removing
 * the case removes them. Stored as `proposals/<case>.probabilities.u8.gz` (the uint8 maps of the box, gzip: mostly
 * zeros and saturated ones) plus `proposals/<case>.probabilities.json`, written after the bytes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { Dims3 } from '../common/volume.js';
import type { ProbabilityMapOnGrid } from '../inference/probability-map.js';
import { PROPOSALS_FOLDER } from './proposals.js';
import { caseSidecarStore } from './sidecar-json.js';

const triple = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()]);
const metaSchema = z.object({
  caseId: z.string(),
  source: z.string().regex(/^model:[^@\s]+@[^@\s]+$/),
  createdAt: z.string(),
  /** The case grid the box lies on (a re-imported case with other dims makes the maps stale). */
  dims: triple,
  box: z.object({ min: triple, max: triple }),
  values: z.array(z.number().int().min(1).max(255)).min(1),
  threshold: z.number(),
  scale: z.literal(255),
});
export type ProbabilityMeta = z.infer<typeof metaSchema>;

const store = caseSidecarStore({
  paths: (dir, caseId) => {
    const base = join(dir, PROPOSALS_FOLDER, `${caseId}.probabilities`);
    return { data: `${base}.u8.gz`, meta: `${base}.json` };
  },
  schema: metaSchema,
  damaged: (caseId) =>
    new LobuleError('E_CORRUPT', `the stored model probabilities of case ${caseId} are damaged`, 'Run auto-segment on it again'),
});

/** Stores (replacing any earlier ones) the probabilities of a case's auto-segment. */
export async function writeProbabilities(
  dir: string,
  caseId: string,
  dims: Dims3,
  maps: ProbabilityMapOnGrid,
  source: `model:${string}@${string}`,
): Promise<ProbabilityMeta> {
  const meta: ProbabilityMeta = {
    caseId,
    source,
    createdAt: new Date().toISOString(),
    dims: [dims[0], dims[1], dims[2]],
    box: { min: [...maps.box.min], max: [...maps.box.max] },
    values: [...maps.values],
    threshold: maps.threshold,
    scale: 255,
  };
  const bytes = await promisify(gzip)(maps.data, { level: 1 });
  await store.write(dir, caseId, meta, (path) => writeFileAtomic(path, bytes));
  return meta;
}

/** The metadata of a case's stored probabilities, or null. @throws LobuleError E_CORRUPT when damaged. */
export const readProbabilityMeta: (dir: string, caseId: string) => Promise<ProbabilityMeta | null> = store.read;

/** The maps' bytes (values.length box-sized maps, i fastest). */
export async function readProbabilityBytes(dir: string, caseId: string): Promise<Uint8Array> {
  const meta = await readProbabilityMeta(dir, caseId);
  if (!meta) {
    throw new LobuleError('E_NOT_FOUND', `case ${caseId} has no model probabilities`, 'Run auto-segment on it first (any model)');
  }
  const bytes = new Uint8Array(await promisify(gunzip)(await readFile(store.paths(dir, caseId).data)));
  const [bx, by, bz] = [0, 1, 2].map((a) => meta.box.max[a] - meta.box.min[a] + 1);
  if (bytes.length !== bx * by * bz * meta.values.length) {
    throw new LobuleError('E_CORRUPT', `the stored model probabilities of case ${caseId} are truncated`, 'Run auto-segment on it again');
  }
  return bytes;
}

export const removeProbabilities: (dir: string, caseId: string) => Promise<void> = store.remove;
