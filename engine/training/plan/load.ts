/**
 * Plan files: a JSON `PlanOverride` whose `inheritsFrom` names the plan it changes (a file path relative to it,
 * or "study" for the built-in STUDY_PLAN; none also means the study plan). The chain is resolved root first;
 * a file met twice is a cycle and an error naming the chain.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LobuleError } from '../../errors.js';
import { STUDY_PLAN, STUDY_PLAN_NAME } from '../../common/train-plan/defaults.js';
import { mergePlan } from '../../common/train-plan/merge.js';
import { planIssues, PlanOverrideSchema, type PlanOverride, type TrainPlan } from '../../common/train-plan/schema.js';

const MAX_DEPTH = 16;

/** Parses one plan file's JSON as an override (no inheritance applied). */
export async function readPlanOverride(path: string): Promise<PlanOverride> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LobuleError(
      missing ? 'E_NOT_FOUND' : 'E_INVALID_ARGUMENT',
      `training plan ${path} ${missing ? 'does not exist' : `is not valid JSON (${(e as Error).message})`}`,
      missing ? 'Pass the path of a plan JSON file (e.g. assets/models/recipes/liver/plan.json)' : 'Fix the JSON syntax',
    );
  }
  const r = PlanOverrideSchema.safeParse(json);
  if (!r.success)
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `training plan ${path} is invalid: ${planIssues(r.error)}`,
      'Fix those fields (see TrainPlanSchema in engine/common/train-plan/schema.ts)',
    );
  return r.data;
}

/** `over` applied to `base`, or an error naming `source` and the offending fields. */
export function applyOverride(base: TrainPlan, over: PlanOverride, source: string): TrainPlan {
  const r = mergePlan(base, over);
  if (!r.ok)
    throw new LobuleError('E_INVALID_ARGUMENT', `${source} is invalid: ${r.message}`, 'Fix those fields (see `lobule train --help`)');
  return r.plan;
}

/** The complete plan of a plan file, its `inheritsFrom` chain resolved. */
export async function loadPlanFile(path: string): Promise<TrainPlan> {
  const chain: { path: string; over: PlanOverride }[] = [];
  let next: string | undefined = resolve(path);
  while (next !== undefined) {
    if (chain.some((c) => c.path === next)) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `training plan ${path} inherits from itself: ${[...chain.map((c) => c.path), next].join(' → ')}`,
        'Remove the cycle: one of these files must inherit from "study" or from no plan',
      );
    }
    if (chain.length >= MAX_DEPTH)
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `training plan ${path} inherits through more than ${MAX_DEPTH} files`,
        'Shorten the inheritsFrom chain',
      );
    const over = await readPlanOverride(next);
    chain.push({ path: next, over });
    const parent: string | undefined = over.inheritsFrom;
    next = parent === undefined || parent === STUDY_PLAN_NAME ? undefined : resolve(dirname(next), parent);
  }
  let plan = STUDY_PLAN;
  for (const link of chain.reverse()) plan = applyOverride(plan, link.over, `training plan ${link.path}`);
  return plan;
}
