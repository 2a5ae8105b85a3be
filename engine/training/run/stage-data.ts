/**
 * The cases a run reads, preprocessed once into the disk cache, and their per-stage views:
 * fine (single stage): the whole preprocessed case; fine (two-stage): its foreground box plus the margin,
 * the crop the coarse model's ROI gives at inference; coarse: the preprocessed case resized to `resizeTo` or to
 * its extent at the coarse spacing.
 * Each view is itself a cache entry, keyed by the base entry and the view's parameters.
 */
import { createHash } from 'node:crypto';
import type { ModelCard } from '../../models/card.js';
import type { LabelVolume, Volume, VoxelArray } from '../../common/volume.js';
import { throwIfAborted } from '../../errors.js';
import { cacheKey, canonicalJson, type CachedCase, PreprocessedCache } from '../data/cache.js';
import { sha256File } from '../../io/hash.js';
import { size3, type Size3 } from '../data/config.js';
import { mapCaseLabel, type ClassMapping } from '../plan/classes.js';
import type { TrainPlan } from '../../common/train-plan/schema.js';
import { makeVolume } from '../../common/volume.js';
import { gridAtSpacing } from '../../common/resize.js';
import { cropPatch, roiWithMargin, type CaseArrays } from '../data/patch.js';
import { preprocessCase, resizeCase } from '../data/preprocess.js';
import type { CaseSource } from '../data/sampler.js';
import type { CaseRef, StageName } from './run-state.js';

/** A case as the run sees it: where its files are and how to read them. */
export interface TrainCase {
  readonly id: string;
  readonly imagePath: string;
  readonly labelPath: string;
  /** sha256 of the label file when the workspace already knows it (saves hashing it again). */
  readonly labelSha256?: string;
  readonly labelVersion?: string;
  /** Where the workspace imported the image from (recorded in the card; never read). */
  readonly origin?: string;
  readImage(): Promise<Volume<VoxelArray>>;
  readLabel(): Promise<LabelVolume>;
}

export type StageView =
  | { readonly kind: 'full' }
  | { readonly kind: 'roi'; readonly margin: number }
  | { readonly kind: 'resize'; readonly to: Size3 }
  /** The case's extent at the coarse spacing (the grid differs per case): engine/common/resize.ts gridAtSpacing. */
  | { readonly kind: 'respace'; readonly from: readonly number[]; readonly to: readonly number[] };

export function stageView(stage: StageName, twoStage: boolean, plan: Pick<TrainPlan, 'coarse' | 'preprocess'>): StageView {
  if (stage === 'coarse') {
    const { spacing, resizeTo } = plan.coarse;
    return spacing ? { kind: 'respace', from: plan.preprocess.spacing, to: spacing } : { kind: 'resize', to: size3(resizeTo) };
  }
  return twoStage ? { kind: 'roi', margin: plan.coarse.margin } : { kind: 'full' };
}

export async function hashCase(c: TrainCase): Promise<CaseRef> {
  const [imageSha256, labelSha256] = await Promise.all([sha256File(c.imagePath), c.labelSha256 ?? sha256File(c.labelPath)]);
  return { id: c.id, imageSha256, labelSha256, labelVersion: c.labelVersion, origin: c.origin };
}

export interface PreparedData {
  readonly cache: PreprocessedCache;
  /** Base cache key per case id. */
  readonly keys: ReadonlyMap<string, string>;
}

/** The label's values are already classes when preprocessCase sees them. */
const IDENTITY_LUT = Uint8Array.from({ length: 256 }, (_, i) => i);

export interface ClassContext {
  readonly mapping: ClassMapping;
  readonly plan: Pick<TrainPlan, 'classes'>;
  /** The workspace's label names (name → value), for error messages. */
  readonly names: Readonly<Record<string, number>>;
}

/**
 * Preprocesses every case that the cache does not hold yet (one case in RAM at a time), mapping its label values
 * to the plan's classes first (an unmapped value is an error naming the case, before any training step).
 * `onCase` reports progress; the signal is checked between cases.
 */
export async function prepareCases(
  cases: readonly TrainCase[],
  refs: readonly CaseRef[],
  card: ModelCard,
  classes: ClassContext,
  cache: PreprocessedCache,
  onCase: (id: string, done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PreparedData> {
  const keys = new Map<string, string>();
  const pre = { preprocessing: card.preprocessing, classLut: Array.from(classes.mapping.lut).join(',') };
  for (const [i, c] of cases.entries()) {
    throwIfAborted(signal, 'training');
    const ref = refs[i];
    const key = cacheKey(ref.imageSha256, ref.labelSha256, pre);
    if (!(await cache.has(key))) {
      const label = await c.readLabel();
      const mapped = makeVolume(mapCaseLabel(c.id, label.data, classes.mapping, classes.plan, classes.names), label.dims, label.affine);
      const pc = preprocessCase(await c.readImage(), mapped, card, IDENTITY_LUT);
      await cache.put(key, pc);
    }
    keys.set(c.id, key);
    onCase(c.id, i + 1, cases.length);
  }
  return { cache, keys };
}

function viewKey(base: string, view: StageView): string {
  return view.kind === 'full'
    ? base
    : createHash('sha256')
        .update(base + canonicalJson(view))
        .digest('hex');
}

function applyView(c: CaseArrays, view: StageView): CaseArrays {
  if (view.kind === 'resize') return resizeCase(c, view.to);
  if (view.kind === 'respace') return resizeCase(c, gridAtSpacing(c.dims, view.from, view.to));
  if (view.kind === 'full') return c;
  const roi = roiWithMargin(c.label, c.dims, view.margin);
  if (!roi) return c; // no foreground: the whole case is the ROI (the fine model learns it is empty)
  const p = cropPatch(c, roi.start, roi.size, 0);
  return { image: p.image, label: p.label, dims: p.size };
}

/** Loads a case's view of a stage, building and caching it on first use. */
export async function loadView(data: PreparedData, id: string, view: StageView): Promise<CachedCase> {
  const base = data.keys.get(id);
  if (!base) throw new Error(`case ${id} was not prepared`);
  const key = viewKey(base, view);
  if (key === base) return data.cache.load(base);
  return data.cache.getOrCreate(key, async () => applyView(await data.cache.load(base), view));
}

export function caseSource(data: PreparedData, ids: readonly string[], view: StageView): CaseSource {
  return { count: ids.length, load: (i) => loadView(data, ids[i], view) };
}
