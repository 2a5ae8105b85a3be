/**
 * "What to correct next": ranks a workspace's unlabelled and draft cases by the active model's uncertainty
 * (uncertainty.ts), most uncertain first. Each score costs one segmentation, so scores are cached per model
 * version in `<workspace>/cache/uncertainty/<model>@<version>.json` (case images never change in a workspace)
 * and only new cases are scored.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { throwIfAborted } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readNifti } from '../io/nifti.js';
import type { ModelPackage } from '../models/package.js';
import { segmentVolume, type SegmentOptions } from '../inference/segment.js';
import type { Workspace } from '../workspace/workspace.js';
import { predictionUncertainty, type CaseUncertainty } from './uncertainty.js';

export const RANK_STATUSES = ['unlabelled', 'draft'] as const;

export interface RankedCase extends CaseUncertainty {
  readonly caseId: string;
  readonly status: string;
  readonly computedAt: string;
}

interface CacheFile {
  readonly format: 'lobule-uncertainty/1';
  readonly model: { readonly id: string; readonly version: string };
  readonly scores: Record<string, Omit<RankedCase, 'caseId' | 'status'>>;
}

export function uncertaintyCachePath(workspaceDir: string, modelId: string, version: string): string {
  return join(workspaceDir, 'cache', 'uncertainty', `${modelId}@${version}.json`.replace(/[^\w.@-]+/g, '-'));
}

export type CachedScores = CacheFile['scores'];

export async function readCache(path: string): Promise<CacheFile['scores']> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
    return parsed.format === 'lobule-uncertainty/1' ? parsed.scores : {};
  } catch {
    return {};
  }
}

/** The model's uncertainty on one image (a full segmentation, probabilities kept only long enough to score). */
export async function scoreImage(
  imagePath: string,
  pkg: ModelPackage,
  options: Pick<SegmentOptions, 'device' | 'signal' | 'onProgress' | 'log'>,
): Promise<CaseUncertainty> {
  const image = await readNifti(imagePath);
  let score: CaseUncertainty | undefined;
  await segmentVolume(image, pkg, {
    ...options,
    onProbabilities: (maps, activation) => (score = predictionUncertainty(maps.channels, activation, pkg.card.output.threshold)),
  });
  return score ?? { score: 0, foregroundVoxels: 0, entropyBits: 0 };
}

export interface RankOptions extends Pick<SegmentOptions, 'device' | 'signal' | 'log'> {
  readonly modelId: string;
  readonly recompute?: boolean;
  readonly onProgress?: (fraction: number, stage: string) => void;
}

/** Unlabelled and draft cases, most uncertain first; scores missing from the cache are computed and cached. */
export async function rankCases(ws: Workspace, pkg: ModelPackage, options: RankOptions): Promise<RankedCase[]> {
  const path = uncertaintyCachePath(ws.dir, options.modelId, pkg.card.version);
  const cached = options.recompute ? {} : await readCache(path);
  const wanted = ws.cases().filter((c) => (RANK_STATUSES as readonly string[]).includes(c.status));
  const todo = wanted.filter((c) => !cached[c.id]);
  for (const [n, c] of todo.entries()) {
    throwIfAborted(options.signal, 'ranking');
    const onProgress: SegmentOptions['onProgress'] = (p) =>
      options.onProgress?.((n + p.fraction) / todo.length, `case ${n + 1}/${todo.length} ${c.id}: ${p.stage}`);
    const s = await scoreImage(ws.imagePath(c.id), pkg, { device: options.device, signal: options.signal, log: options.log, onProgress });
    cached[c.id] = { ...s, computedAt: new Date().toISOString() };
    // Saved after every case: a cancelled run keeps what it computed.
    await writeCache(path, options.modelId, pkg.card.version, cached);
  }
  return rankedFrom(ws, cached);
}

export async function writeCache(path: string, modelId: string, version: string, scores: CachedScores): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const file: CacheFile = { format: 'lobule-uncertainty/1', model: { id: modelId, version }, scores };
  await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n');
}

/** The workspace's unlabelled and draft cases that have a score, most uncertain first. */
export function rankedFrom(ws: Workspace, scores: CachedScores): RankedCase[] {
  return ws
    .cases()
    .filter((c) => (RANK_STATUSES as readonly string[]).includes(c.status) && scores[c.id])
    .map((c) => ({ caseId: c.id, status: c.status, ...scores[c.id] }))
    .sort((a, b) => b.score - a.score || a.caseId.localeCompare(b.caseId));
}
