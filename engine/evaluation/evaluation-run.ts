/**
 * An evaluation run: one model on a list of cases, one case at a time (bounded memory), with the role of the
 * figures relative to the model and the source of the reference labels, so that no number leaves Lobule
 * without saying what it is. The CLI (`lobule evaluate`) and the app's evaluate job both run this.
 */
import { join, resolve, sep } from 'node:path';
import { LobuleError, throwIfAborted } from '../errors.js';
import type { ModelPackage } from '../models/package.js';
import type { LabelSource, MetricRole } from '../common/metrics/roles.js';
import type { SegmentProgress } from '../inference/segment.js';
import { evaluateCase, type CaseEvaluation, type EvaluateCaseOptions, type EvaluationCaseInput } from './evaluate-case.js';

export const EVALUATION_FORMAT = 'lobule-evaluation/1';

/** Metrics the report summarizes, in the order it shows them. */
export const SUMMARY_METRICS = ['dice', 'iou', 'hd95Mm', 'assdMm', 'nsd', 'volumeDifferenceMl'] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

export interface MetricSummary {
  /** Cases with a value (distances are undefined when one mask is empty). */
  readonly n: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export interface EvaluationCaseResult extends CaseEvaluation {
  readonly role: MetricRole;
}

export interface EvaluationRun {
  readonly format: typeof EVALUATION_FORMAT;
  readonly model: { readonly id: string; readonly name: string; readonly version: string };
  /** The split the cases came from; null when cases were named one by one. */
  readonly split: string | null;
  /** The most optimistic role among the cases (train before selection before heldOut). */
  readonly role: MetricRole;
  readonly labelSource: LabelSource;
  readonly nsdToleranceMm: number;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly cases: readonly EvaluationCaseResult[];
  /** Label value → metric → summary over the cases. */
  readonly summary: Readonly<Record<string, Readonly<Record<SummaryMetric, MetricSummary>>>>;
}

export interface RunOptions extends Omit<EvaluateCaseOptions, 'onProgress'> {
  readonly modelId: string;
  readonly split: string | null;
  readonly command: string;
  /** The role of each case relative to the model (see caseRoles). */
  readonly roleOf: (caseId: string) => MetricRole;
  /** Overrides what the reference sources say (a person knows who drew imported labels). */
  readonly labelSource?: LabelSource;
  readonly nsdToleranceMm: number;
  readonly onProgress?: (fraction: number, stage: string) => void;
  /** Called after each case (the CLI prints a line). */
  readonly onCase?: (c: EvaluationCaseResult, index: number, total: number) => void;
}

const ROLE_ORDER: readonly MetricRole[] = ['train', 'selection', 'heldOut'];

export async function runEvaluation(
  inputs: readonly EvaluationCaseInput[],
  pkg: ModelPackage,
  options: RunOptions,
): Promise<EvaluationRun> {
  if (inputs.length === 0)
    throw new LobuleError('E_NOT_FOUND', 'no cases to evaluate', 'Name cases with a verified label (--cases), or a split that has some');
  const startedAt = new Date().toISOString();
  const cases: EvaluationCaseResult[] = [];
  for (const [n, input] of inputs.entries()) {
    throwIfAborted(options.signal, 'evaluation');
    const onProgress = (p: SegmentProgress) =>
      options.onProgress?.((n + p.fraction) / inputs.length, `case ${n + 1}/${inputs.length} ${input.caseId}: ${p.stage}`);
    const result = await evaluateCase(input, pkg, { ...options, onProgress });
    const c = { ...result, role: options.roleOf(input.caseId) };
    cases.push(c);
    options.onCase?.(c, n, inputs.length);
  }
  options.onProgress?.(1, 'done');
  const role = ROLE_ORDER.find((r) => cases.some((c) => c.role === r)) ?? 'heldOut';
  return {
    format: EVALUATION_FORMAT,
    model: { id: options.modelId, name: pkg.card.name, version: pkg.card.version },
    split: options.split,
    role,
    labelSource: options.labelSource ?? labelSourceOf(cases.map((c) => c.referenceSource)),
    nsdToleranceMm: options.nsdToleranceMm,
    command: options.command,
    startedAt,
    finishedAt: new Date().toISOString(),
    cases,
    summary: summarize(cases),
  };
}

/**
 * The label source of a set of references, from the workspace's record of each: all drawn or corrected in
 * Lobule (manual) → expert; all one model's drafts → model-generated:<model>; anything imported → unknown
 * (Lobule cannot know who made an imported file; `--label-source` says it).
 */
export function labelSourceOf(sources: readonly string[]): LabelSource {
  if (sources.length > 0 && sources.every((s) => s === 'manual')) return 'expert';
  const models = new Set(sources.map((s) => (s.startsWith('model:') ? s.slice('model:'.length).split('@')[0] : null)));
  if (models.size === 1 && !models.has(null)) return `model-generated:${[...models][0]}`;
  return 'unknown';
}

/**
 * Image hashes the card's provenance names as training ("train: …") or selection ("val: …") data, e.g.
 * "train: example_ct (image sha256 …, label sha256 …). val: …": the same scan imported under another name is
 * still the training scan, so its figures must not be called held out.
 */
export function provenanceImageRoles(data: string | undefined): Map<string, MetricRole> {
  const out = new Map<string, MetricRole>();
  if (!data) return out;
  for (const part of data.split(/(?=\b(?:train|val|selection):)/)) {
    const role: MetricRole | undefined = part.startsWith('train:') ? 'train' : /^(val|selection):/.test(part) ? 'selection' : undefined;
    if (!role) continue;
    for (const m of part.matchAll(/image sha256 ([0-9a-f]{64})/g)) if (!out.has(m[1]) || role === 'train') out.set(m[1], role);
  }
  return out;
}

/**
 * Role of each case relative to a model: a case the card lists as train or selection has that role, and so has
 * a case whose image the card's provenance names by hash; otherwise the workspace split decides for models
 * trained in this workspace (train split → train, val → selection); anything else is held out.
 */
export function caseRoles(
  cardEvaluations: readonly { role: MetricRole; caseIds: readonly string[] }[],
  splitOf: (caseId: string) => string,
  trainedHere: boolean,
  imageRole: (caseId: string) => MetricRole | undefined = () => undefined,
): (caseId: string) => MetricRole {
  const listed = new Map<string, MetricRole>();
  for (const role of ['selection', 'train'] as const) {
    for (const e of cardEvaluations) if (e.role === role) for (const id of e.caseIds) listed.set(id, role);
  }
  return (caseId) => {
    const known = listed.get(caseId) ?? imageRole(caseId);
    if (known) return known;
    const split = splitOf(caseId);
    if (trainedHere && split === 'train') return 'train';
    if (trainedHere && split === 'val') return 'selection';
    return 'heldOut';
  };
}

/** caseRoles for a model package evaluated in a workspace (a package under its models/ was trained there). */
export function rolesFor(
  pkg: ModelPackage,
  workspaceDir: string,
  splitOf: Readonly<Record<string, string>>,
  imageSha256Of: Readonly<Record<string, string>> = {},
): (caseId: string) => MetricRole {
  const trainedHere = resolve(pkg.dir).startsWith(resolve(join(workspaceDir, 'models')) + sep);
  const byHash = provenanceImageRoles(pkg.card.provenance.data);
  const imageRole = (id: string) => (imageSha256Of[id] ? byHash.get(imageSha256Of[id]) : undefined);
  return caseRoles(pkg.card.provenance.evaluations ?? [], (id) => splitOf[id] ?? 'unassigned', trainedHere, imageRole);
}

function summaryOf(values: number[]): MetricSummary {
  if (values.length === 0) return { n: 0, mean: null, median: null, min: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    n: s.length,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    min: s[0],
    max: s[s.length - 1],
  };
}

export function summarize(cases: readonly CaseEvaluation[]): EvaluationRun['summary'] {
  const labels = [...new Set(cases.flatMap((c) => c.labels.map((l) => l.label)))];
  return Object.fromEntries(
    labels.map((label) => {
      const rows = cases.map((c) => c.labels.find((l) => l.label === label)).filter((l) => l !== undefined);
      const per = Object.fromEntries(
        SUMMARY_METRICS.map((m) => [m, summaryOf(rows.map((r) => r[m]).filter((v): v is number => v !== null))]),
      );
      return [label, per as Record<SummaryMetric, MetricSummary>];
    }),
  );
}
