/**
 * Workspace label values → the plan's classes. By default by NAME: the workspace's label names (lobule.json
 * `labelNames`, e.g. liver = 1) are matched to the plan's `classes` (e.g. 1 = liver); an explicit `labelMap`
 * (`5:1,*:0`) replaces that. A value present in a label that neither names is an error listing the values and
 * the fix, so no organ is ever trained as liver by accident.
 */
import { LobuleError } from '../../errors.js';
import { parseLabelMap } from '../../workspace/labelmap.js';
import type { TrainPlan } from '../../common/train-plan/schema.js';

/** value → class (0 = background); UNMAPPED for values the mapping does not cover. */
export interface ClassMapping {
  readonly lut: Int16Array;
  /** How the mapping was made, recorded with the run (e.g. "by name: liver=1→1" or "5:1,*:0"). */
  readonly describe: string;
}

export const UNMAPPED = -1;

export function classMapping(
  plan: Pick<TrainPlan, 'classes' | 'labelMap'>,
  workspaceNames: Readonly<Record<string, number>>,
): ClassMapping {
  const lut = new Int16Array(256).fill(UNMAPPED);
  lut[0] = 0;
  const classValues = new Set(Object.keys(plan.classes).map(Number));
  if (plan.labelMap) {
    const m = parseLabelMap(plan.labelMap);
    for (const [from, to] of m.pairs) {
      if (to !== 0 && !classValues.has(to)) {
        throw new LobuleError(
          'E_INVALID_ARGUMENT',
          `label map '${plan.labelMap}' maps ${from} to ${to}, which is not a class of the plan (${classList(plan.classes)})`,
          "Map each value to one of the plan's classes or to 0",
        );
      }
      lut[from] = to;
    }
    if (m.others !== 'keep') {
      if (m.others !== 0 && !classValues.has(m.others))
        throw new LobuleError(
          'E_INVALID_ARGUMENT',
          `label map '${plan.labelMap}': *:${m.others} is not a class of the plan`,
          'Use *:0 to make every other value background',
        );
      for (let v = 1; v < 256; v++) if (!m.pairs.has(v)) lut[v] = m.others;
    }
    return { lut, describe: plan.labelMap };
  }
  const byName = new Map(Object.entries(plan.classes).map(([v, name]) => [name.toLowerCase(), Number(v)]));
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(workspaceNames)) {
    if (value === 0) continue;
    const cls = byName.get(name.toLowerCase());
    if (cls !== undefined) {
      lut[value] = cls;
      pairs.push(`${name}=${value}→${cls}`);
    }
  }
  return { lut, describe: `by name: ${pairs.join(', ') || 'none'}` };
}

function classList(classes: Readonly<Record<string, string>>): string {
  return Object.entries(classes)
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
}

/**
 * The label with the mapping applied, as class values 0..255.
 * @throws LobuleError E_INVALID_ARGUMENT listing every value the mapping does not cover, and the fix.
 */
export function mapCaseLabel(
  caseId: string,
  data: ArrayLike<number>,
  mapping: ClassMapping,
  plan: Pick<TrainPlan, 'classes'>,
  workspaceNames: Readonly<Record<string, number>>,
): Uint8Array {
  const out = new Uint8Array(data.length);
  const unmapped = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const c = v >= 0 && v < 256 ? mapping.lut[v] : UNMAPPED;
    if (c === UNMAPPED) unmapped.add(v);
    else out[i] = c;
  }
  if (unmapped.size > 0) {
    const names = Object.fromEntries(Object.entries(workspaceNames).map(([n, v]) => [v, n]));
    const values = [...unmapped].sort((a, b) => a - b).map((v) => (names[v] ? `${v} (${names[v]})` : String(v)));
    const shown = values.length > 12 ? `${values.slice(0, 12).join(', ')} … (${values.length} values)` : values.join(', ');
    const first = Object.keys(plan.classes)[0];
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `case ${caseId} has label values ${shown} that the plan's classes (${classList(plan.classes)}) do not name ` +
        `(mapping ${mapping.describe})`,
      `Pass --label-map with the value of each class and *:0 for the rest (e.g. --label-map '${[...unmapped][0]}:${first},*:0'), or ` +
        `name the label in the workspace`,
    );
  }
  return out;
}
