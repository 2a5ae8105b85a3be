/** What a dataset row says about a case's labels (plain functions, so the rule is tested without a page). */
import type { CaseSummary } from '../../../engine/api/contract.js';
import type { NamedLabel } from '../../../engine/common/named-label.js';

/** How many label names a row shows before it says "N labels" (the full list is in its tooltip). */
const NAMES_SHOWN = 2;

/** A case's labels as its dataset row shows them: the names present in its latest version. */
export function caseLabelsText(c: CaseSummary, labels: readonly NamedLabel[]): { text: string; title: string } {
  if (c.labelVersionCount === 0) return { text: 'no labels', title: 'No label version yet' };
  const names = c.labelValues.map((v) => labels.find((l) => l.value === v)?.name ?? `label ${v}`);
  const versions = `${c.labelVersionCount} version${c.labelVersionCount === 1 ? '' : 's'}, latest ${c.latestLabelVersion}`;
  if (names.length === 0) return { text: 'empty labels', title: `The latest label version has no voxels (${versions})` };
  const text = names.length <= NAMES_SHOWN ? names.join(', ') : `${names.length} labels`;
  return { text, title: `${names.join(', ')} (${versions})` };
}
