/**
 * Which cases an evaluation reads, and against which label: cases whose status is `verified`, each compared
 * with its latest label version drawn or imported by a person (never a model's draft). The test split is read only when the caller names
 * it (`--split test`); naming a test case without it is refused, so no figure on test cases appears by accident.
 */
import { LobuleError } from '../errors.js';
import type { Workspace } from '../workspace/workspace.js';
import type { SplitName } from '../workspace/manifest.js';
import type { EvaluationCaseInput } from './evaluate-case.js';

export const EVALUATION_SPLITS = ['val', 'test', 'train'] as const;
export type EvaluationSplit = (typeof EVALUATION_SPLITS)[number];

export interface CaseSelection {
  readonly inputs: EvaluationCaseInput[];
  /** Cases asked for but not evaluated, with the reason. */
  readonly skipped: { readonly caseId: string; readonly reason: string }[];
  /** Split of every selected case (for the role of its figures). */
  readonly splitOf: Readonly<Record<string, SplitName>>;
  /** sha256 of each selected case's stored image, where the manifest records it (the same scan under another name). */
  readonly imageSha256Of: Readonly<Record<string, string>>;
}

export function selectEvaluationCases(ws: Workspace, request: { split?: EvaluationSplit; caseIds?: readonly string[] }): CaseSelection {
  const all = ws.cases();
  let wanted = all.filter((c) => c.split === (request.split ?? 'val'));
  if (request.caseIds?.length) {
    const byId = new Map(all.map((c) => [c.id, c]));
    wanted = request.caseIds.map((id) => {
      const c = byId.get(id);
      if (!c)
        throw new LobuleError(
          'E_NOT_FOUND',
          `no case "${id}" in the workspace`,
          'List cases with lobule workspace status, or leave out --cases',
        );
      if (c.split === 'test' && request.split !== 'test') {
        throw new LobuleError(
          'E_INVALID_ARGUMENT',
          `case ${id} is in the test split`,
          'Test cases are evaluated only when asked for by name: add --split test',
        );
      }
      if (request.split && c.split !== request.split) {
        throw new LobuleError(
          'E_INVALID_ARGUMENT',
          `case ${id} is in the ${c.split} split, not ${request.split}`,
          'Leave out --split, or name cases of that split',
        );
      }
      return c;
    });
  }
  const inputs: EvaluationCaseInput[] = [];
  const skipped: CaseSelection['skipped'] = [];
  const splitOf: Record<string, SplitName> = {};
  const imageSha256Of: Record<string, string> = {};
  for (const c of wanted) {
    // A model's draft is never the reference, even verified unchanged: it would score that model against itself.
    const latest = c.labels.filter((v) => !v.source.startsWith('model:')).at(-1);
    if (c.status !== 'verified' || !latest) {
      const reason =
        c.status !== 'verified'
          ? `its label is ${c.status}, not verified`
          : c.labels.length
            ? 'its only labels are model drafts'
            : 'it has no label';
      skipped.push({ caseId: c.id, reason });
      continue;
    }
    inputs.push({
      caseId: c.id,
      imagePath: ws.imagePath(c.id),
      referencePath: ws.labelPath(c.id, latest.id),
      referenceVersion: latest.id,
      referenceSource: latest.source,
    });
    splitOf[c.id] = c.split;
    if (c.imageSha256) imageSha256Of[c.id] = c.imageSha256;
  }
  return { inputs, skipped, splitOf, imageSha256Of };
}
