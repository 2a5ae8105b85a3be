/**
 * Merging a `PlanOverride` onto a base plan: objects merge field by field, arrays and values replace, and a new
 * optimizer or schedule `kind` brings that kind's defaults (defaults.ts) instead of the old kind's parameters.
 * The result is validated as a complete `TrainPlan`, so a bad combination fails naming its field.
 */
import { OPTIMIZER_DEFAULTS, SCHEDULE_DEFAULTS } from './defaults.js';
import { planIssues, PlanOverrideSchema, TrainPlanSchema, type PlanOverride, type TrainPlan } from './schema.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isObject(v) && isObject(base[k]) ? deepMerge(base[k] as Json, v) : v;
  }
  return out;
}

export type PlanResult = { readonly ok: true; readonly plan: TrainPlan } | { readonly ok: false; readonly message: string };

/** `base` with `over` applied; `inheritsFrom` and `schemaVersion` of the override are not part of the result. */
export function mergePlan(base: TrainPlan, over: PlanOverride): PlanResult {
  const checked = PlanOverrideSchema.safeParse(over);
  if (!checked.success) return { ok: false, message: planIssues(checked.error) };
  const { inheritsFrom: _from, schemaVersion: _v, schedule, optimizer, ...rest } = checked.data;
  const merged = deepMerge(base as unknown as Json, rest as Json);
  if (optimizer) {
    const kind = optimizer.kind ?? base.optimizer.kind;
    const from = kind === base.optimizer.kind ? base.optimizer : { ...base.optimizer, ...OPTIMIZER_DEFAULTS[kind], kind };
    merged.optimizer = { ...from, ...stripUndefined(optimizer) };
  }
  if (schedule) {
    const from = schedule.kind === base.schedule.kind ? base.schedule : SCHEDULE_DEFAULTS[schedule.kind];
    merged.schedule = { ...from, ...stripUndefined(schedule) };
  }
  const r = TrainPlanSchema.safeParse(merged);
  return r.success ? { ok: true, plan: r.data } : { ok: false, message: planIssues(r.error) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The plan a fine-tune from a model made with `plan` runs: its fineTune budget and validation take over. */
export function fineTunePlan(plan: TrainPlan): TrainPlan {
  return { ...plan, budget: plan.fineTune.budget, validation: plan.fineTune.validation };
}

/** Total optimizer steps of a plan's budget (the minutes limit may end it earlier). */
export function budgetSteps(plan: Pick<TrainPlan, 'budget'>): number {
  return plan.budget.epochs * plan.budget.stepsPerEpoch;
}
