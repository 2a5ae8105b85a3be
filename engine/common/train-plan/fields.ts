/**
 * The plan fields a person edits: one table that the CLI turns into flags (and their help, with defaults read
 * from the plan), the API accepts as `plan` overrides, and the Training panel shows as its form (with the value
 * a fine-tune inherits). Each field is a path into `TrainPlan`; values are written with `setField`.
 */
import { OptimizerSchema, type PlanOverride, ScheduleSchema, type TrainPlan, TrainPlanSchema } from './schema.js';

export type FieldKind = 'int' | 'number' | 'nullable-number' | 'size3' | 'spacing3' | 'text' | 'nullable-text' | 'enum';

export interface PlanField {
  /** Key in UI forms and override maps. */
  readonly key: PlanFieldKey;
  /** CLI flag without dashes: the key in kebab case. */
  readonly flag: string;
  readonly path: readonly string[];
  readonly kind: FieldKind;
  /** For an enum: the schema's own values. */
  readonly choices?: readonly string[];
  readonly label: string;
  readonly help: string;
}

/** A field as written below: what the schema cannot say. Path is dotted; label defaults to the key. */
interface FieldRow {
  readonly path: string;
  readonly kind: FieldKind;
  readonly label?: string;
  /** For an enum the help starts with its choices, and this adds to it. */
  readonly help?: string;
  readonly choices?: readonly string[];
}

/** Form and flag order: budget first, then the optimizer, sampling, validation, labels, output, stages, seed. */
const ROWS = {
  minutes: {
    path: 'budget.minutes',
    kind: 'nullable-number',
    help: 'stop training after N minutes at a clean step, keeping the best model',
  },
  epochs: { path: 'budget.epochs', kind: 'int', help: 'epochs of stepsPerEpoch steps each' },
  stepsPerEpoch: {
    path: 'budget.stepsPerEpoch',
    kind: 'int',
    label: 'steps/epoch',
    help: 'optimizer steps per epoch, whatever the number of cases',
  },
  lr: { path: 'optimizer.lr', kind: 'number', label: 'learning rate', help: 'base learning rate' },
  optimizer: { path: 'optimizer.kind', kind: 'enum', choices: OptimizerSchema.shape.kind.options },
  schedule: { path: 'schedule.kind', kind: 'enum', choices: ScheduleSchema.options.map((o) => o.shape.kind.value) },
  batch: { path: 'sampling.batch', kind: 'int', help: 'patches per step' },
  patch: { path: 'sampling.patch', kind: 'size3', help: 'patch in voxels, X,Y,Z (or one edge)' },
  spacing: {
    path: 'preprocess.spacing',
    kind: 'spacing3',
    label: 'spacing (mm)',
    help: 'voxel spacing the model works at, X,Y,Z mm (or one value)',
  },
  valEvery: {
    path: 'validation.everyEpochs',
    kind: 'int',
    label: 'validate every (epochs)',
    help: 'validate every N epochs (and after the last step)',
  },
  patience: {
    path: 'validation.patience',
    kind: 'int',
    help: 'stop after N validations without improvement (0: never), not before validation.minFraction of the budget',
  },
  labelMap: {
    path: 'labelMap',
    kind: 'nullable-text',
    label: 'label map',
    help: "workspace value → class, e.g. '5:1,*:0' (default: by the workspace's label names)",
  },
  threshold: { path: 'inference.threshold', kind: 'number', help: 'probability above which a voxel is foreground' },
  stage: {
    path: 'stage',
    kind: 'enum',
    choices: TrainPlanSchema.shape.stage.options,
    help: '(coarse: a new ROI model paired with the --from model)',
  },
  seed: { path: 'seeds.train', kind: 'int', help: 'seed of weight init, batch order and augmentation' },
} as const satisfies Record<string, FieldRow>;

export type PlanFieldKey = keyof typeof ROWS;

/** The plan fields a person edits, in form and flag order. */
export const PLAN_FIELDS: readonly PlanField[] = Object.entries(ROWS).map(([key, row]: [string, FieldRow]) => ({
  key: key as PlanFieldKey,
  flag: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
  path: row.path.split('.'),
  kind: row.kind,
  choices: row.choices,
  label: row.label ?? key,
  help: [row.choices?.join(' | '), row.help].filter(Boolean).join(' '),
}));

export type FieldValue = number | string | null | readonly [number, number, number];

/** The value of a field in a resolved plan (what the form shows as inherited). */
export function fieldValue(plan: TrainPlan, key: PlanFieldKey): FieldValue {
  const f = PLAN_FIELDS.find((x) => x.key === key)!;
  let v: unknown = plan;
  for (const p of f.path) v = (v as Record<string, unknown>)[p];
  return v as FieldValue;
}

/** Writes `value` at the field's path of a (new) override; returns the override for chaining. */
export function setField(over: PlanOverride, key: PlanFieldKey, value: FieldValue): PlanOverride {
  const f = PLAN_FIELDS.find((x) => x.key === key)!;
  let o = over as Record<string, unknown>;
  for (const p of f.path.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[f.path[f.path.length - 1]] = value;
  return over;
}

/** An override holding the given field values (undefined values are left out). */
export function overrideOf(values: Partial<Record<PlanFieldKey, FieldValue | undefined>>): PlanOverride {
  const over: PlanOverride = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) setField(over, k as PlanFieldKey, v);
  return over;
}

/**
 * One override from field texts (CLI flags, form inputs), read in PLAN_FIELDS order: missing texts are left out,
 * and the first that does not parse fails it, naming its field. `given` counts the fields it holds.
 */
export function overrideFromTexts(
  texts: Partial<Record<PlanFieldKey, string>>,
): { ok: true; override: PlanOverride; given: number } | { ok: false; field: PlanField; message: string } {
  const values: Partial<Record<PlanFieldKey, FieldValue>> = {};
  for (const field of PLAN_FIELDS) {
    const text = texts[field.key];
    if (text === undefined) continue;
    const r = parseFieldText(field.key, text);
    if (!r.ok) return { ok: false, field, message: r.message };
    values[field.key] = r.value;
  }
  return { ok: true, override: overrideOf(values), given: Object.keys(values).length };
}

/** Parses a field's text (a CLI flag, a form input); returns an error message instead of throwing. */
export function parseFieldText(key: PlanFieldKey, text: string): { ok: true; value: FieldValue } | { ok: false; message: string } {
  const f: PlanField = PLAN_FIELDS.find((x) => x.key === key)!;
  const num = (s: string, integer: boolean): number | null => {
    const n = Number(s.trim());
    return s.trim() !== '' && Number.isFinite(n) && (!integer || Number.isInteger(n)) ? n : null;
  };
  const bad = (what: string) => ({ ok: false as const, message: `--${f.flag} ${text} is not ${what}` });
  switch (f.kind) {
    case 'int':
    case 'number': {
      const n = num(text, f.kind === 'int');
      return n === null ? bad(f.kind === 'int' ? 'an integer' : 'a number') : { ok: true, value: n };
    }
    case 'nullable-number': {
      if (text === 'none' || text === '') return { ok: true, value: null };
      const n = num(text, false);
      return n === null ? bad("a number (or 'none')") : { ok: true, value: n };
    }
    case 'size3':
    case 'spacing3': {
      const parts = text.split(',').map((p) => num(p, f.kind === 'size3'));
      if (parts.some((p) => p === null) || (parts.length !== 1 && parts.length !== 3))
        return bad(`one ${f.kind === 'size3' ? 'integer' : 'number'} or three (X,Y,Z)`);
      const [a, b, c] = parts.length === 1 ? [parts[0], parts[0], parts[0]] : parts;
      return { ok: true, value: [a as number, b as number, c as number] };
    }
    case 'enum':
      return f.choices?.includes(text) ? { ok: true, value: text } : bad(`one of ${f.choices?.join(', ')}`);
    case 'text':
      return { ok: true, value: text };
    case 'nullable-text':
      return { ok: true, value: text === '' || text === 'none' ? null : text };
  }
}

/** A field's value as text (CLI help, form inputs). */
export function fieldText(value: FieldValue): string {
  if (value === null) return 'none';
  return Array.isArray(value) ? value.join(',') : String(value);
}
