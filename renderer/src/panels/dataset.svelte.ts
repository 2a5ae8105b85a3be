/** Filter and sort of the Dataset panel's case list (derived, never copied). */
import type { CaseStatus, CaseSummary, Split } from '../../../engine/api/contract.js';
import { STUDY_PLAN } from '../../../engine/common/train-plan/defaults.js';

export type SortKey = 'name' | 'status' | 'split';

const STATUS_ORDER: Readonly<Record<CaseStatus, number>> = { unlabelled: 0, draft: 1, corrected: 2, verified: 3 };
const SPLIT_ORDER: Readonly<Record<Split, number>> = { train: 0, val: 1, test: 2, unassigned: 3 };

export class DatasetView {
  text = $state('');
  status = $state<CaseStatus | 'all'>('all');
  split = $state<Split | 'all'>('all');
  sort = $state<SortKey>('name');
  importPath = $state('');
  importLayout = $state<'auto' | 'files' | 'msd' | 'nnunet'>('auto');
  splitVal = $state(0.2);
  splitTest = $state(0.2);
  /** The one default split seed (the training plan's, as `lobule workspace split`). */
  splitSeed = $state(STUDY_PLAN.seeds.split);
  lockTest = $state(false);

  visible(cases: readonly CaseSummary[]): CaseSummary[] {
    const text = this.text.trim().toLowerCase();
    const rows = cases.filter(
      (c) =>
        (this.status === 'all' || c.status === this.status) &&
        (this.split === 'all' || c.split === this.split) &&
        (!text || c.name.toLowerCase().includes(text) || c.id.toLowerCase().includes(text)),
    );
    const key = this.sort;
    return rows.sort((a, b) => {
      if (key === 'status') return STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name);
      if (key === 'split') return SPLIT_ORDER[a.split] - SPLIT_ORDER[b.split] || a.name.localeCompare(b.name);
      return a.name.localeCompare(b.name, undefined, { numeric: true });
    });
  }
}
