/** Counts of a workspace's cases by status and split, for `lobule workspace status` and the app's dataset panel. */
import { CASE_STATUSES, SPLITS, type CaseStatus, type Manifest, type SplitName } from './manifest.js';

export interface WorkspaceStatus {
  readonly dir: string;
  readonly revision: number;
  readonly cases: number;
  readonly byStatus: Record<CaseStatus, number>;
  readonly bySplit: Record<SplitName, number>;
  /** Cases per split and status, e.g. bySplitAndStatus.train.verified. */
  readonly bySplitAndStatus: Record<SplitName, Record<CaseStatus, number>>;
  readonly lockedTestCases: number;
  readonly labelVersions: number;
  readonly trainingStatuses: readonly CaseStatus[];
  readonly split: Manifest['split'];
  readonly labelNames: Readonly<Record<string, number>>;
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function computeStatus(dir: string, m: Manifest): WorkspaceStatus {
  const byStatus = zeroCounts(CASE_STATUSES);
  const bySplit = zeroCounts(SPLITS);
  const bySplitAndStatus = Object.fromEntries(SPLITS.map((s) => [s, zeroCounts(CASE_STATUSES)])) as Record<
    SplitName,
    Record<CaseStatus, number>
  >;
  for (const c of m.cases) {
    byStatus[c.status]++;
    bySplit[c.split]++;
    bySplitAndStatus[c.split][c.status]++;
  }
  return {
    dir,
    revision: m.revision,
    cases: m.cases.length,
    byStatus,
    bySplit,
    bySplitAndStatus,
    lockedTestCases: m.cases.filter((c) => c.testLocked).length,
    labelVersions: m.cases.reduce((n, c) => n + c.labels.length, 0),
    trainingStatuses: [...m.trainingStatuses],
    split: structuredClone(m.split),
    labelNames: { ...m.labelNames },
  };
}
