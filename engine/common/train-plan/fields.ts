/**
 * The plan fields a person edits: one table that the CLI turns into flags (and their help, with defaults read
 * from the plan), the API accepts as `plan` overrides, and the Training panel shows as its form (with the value
 * a fine-tune inherits). Each field is a path into `TrainPlan`; values are written with `setField`.
 */
import type { PlanOverride, TrainPlan } from './schema.js';

export type FieldKind = 'int' | 'number' | 'nullable-number' | 'size3' | 'spacing3' | 'text' | 'nullable-text' | 'enum';

export interface PlanField {
  /** Key in UI forms and override maps. */
  readonly key: string;
  /** CLI flag without dashes. */
  readonly flag: string;
  readonly path: readonly string[];
  readonly kind: FieldKind;
  readonly choices?: readonly string[];
  readonly label: string;
  readonly help: string;
}

export const PLAN_FIELDS = [
  {
    key: 'minutes',
    flag: 'minutes',
    path: ['budget', 'minutes'],
    kind: 'nullable-number',
    label: 'minutes',
    help: 'stop training after N minutes at a clean step, keeping the best model',
  },
  { key: 'epochs', flag: 'epochs', path: ['budget', 'epochs'], kind: 'int', label: 'epochs', help: 'epochs of stepsPerEpoch steps each' },
  {
    key: 'stepsPerEpoch',
    flag: 'steps-per-epoch',
    path: ['budget', 'stepsPerEpoch'],
    kind: 'int',
    label: 'steps/epoch',
    help: 'optimizer steps per epoch, whatever the number of cases',
  },
  { key: 'lr', flag: 'lr', path: ['optimizer', 'lr'], kind: 'number', label: 'learning rate', help: 'base learning rate' },
  {
    key: 'optimizer',
    flag: 'optimizer',
    path: ['optimizer', 'kind'],
    kind: 'enum',
    choices: ['novograd', 'adam', 'adamw', 'sgd'],
    label: 'optimizer',
    help: 'novograd | adam | adamw | sgd',
  },
  {
    key: 'schedule',
    flag: 'schedule',
    path: ['schedule', 'kind'],
    kind: 'enum',
    choices: ['cosine_restarts', 'poly', 'warmup_cosine', 'constant'],
    label: 'schedule',
    help: 'cosine_restarts | poly | warmup_cosine | constant',
  },
  { key: 'batch', flag: 'batch', path: ['sampling', 'batch'], kind: 'int', label: 'batch', help: 'patches per step' },
  { key: 'patch', flag: 'patch', path: ['sampling', 'patch'], kind: 'size3', label: 'patch', help: 'patch in voxels, X,Y,Z (or one edge)' },
  {
    key: 'spacing',
    flag: 'spacing',
    path: ['preprocess', 'spacing'],
    kind: 'spacing3',
    label: 'spacing (mm)',
    help: 'voxel spacing the model works at, X,Y,Z mm (or one value)',
  },
  {
    key: 'valEvery',
    flag: 'val-every',
    path: ['validation', 'everyEpochs'],
    kind: 'int',
    label: 'validate every (epochs)',
    help: 'validate every N epochs (and after the last step)',
  },
  {
    key: 'patience',
    flag: 'patience',
    path: ['validation', 'patience'],
    kind: 'int',
    label: 'patience',
    help: 'stop after N validations without improvement (0: never), not before validation.minFraction of the budget',
  },
  {
    key: 'labelMap',
    flag: 'label-map',
    path: ['labelMap'],
    kind: 'nullable-text',
    label: 'label map',
    help: "workspace value → class, e.g. '5:1,*:0' (default: by the workspace's label names)",
  },
  {
    key: 'threshold',
    flag: 'threshold',
    path: ['inference', 'threshold'],
    kind: 'number',
    label: 'threshold',
    help: 'probability above which a voxel is foreground',
  },
  {
    key: 'stage',
    flag: 'stage',
    path: ['stage'],
    kind: 'enum',
    choices: ['fine', 'coarse', 'both'],
    label: 'stage',
    help: 'fine | coarse | both (coarse: a new ROI model paired with the --from model)',
  },
  {
    key: 'seed',
    flag: 'seed',
    path: ['seeds', 'train'],
    kind: 'int',
    label: 'seed',
    help: 'seed of weight init, batch order and augmentation',
  },
] as const satisfies readonly PlanField[];

export type PlanFieldKey = (typeof PLAN_FIELDS)[number]['key'];
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
