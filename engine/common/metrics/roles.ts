/**
 * What a quality figure means: on which cases it was measured relative to the model (its role) and who made
 * the labels it was measured against. Every number Lobule shows carries both ("Dice 0.83 · selection ·
 * model-generated labels"), because a figure measured on the cases that trained or tuned a model says little
 * about the next patient. Shared by model cards, reports and the app.
 */

/**
 * train: cases the model was trained on; selection: cases that chose its epoch, threshold or recipe;
 * heldOut: cases nothing about the model was tuned on.
 */
export const METRIC_ROLES = ['train', 'selection', 'heldOut'] as const;
export type MetricRole = (typeof METRIC_ROLES)[number];

/** expert: drawn or corrected by a person; model-generated:<tool>: another model's output; unknown. */
export type LabelSource = 'expert' | 'unknown' | `model-generated:${string}`;
export const LABEL_SOURCE_PATTERN = /^(expert|unknown|model-generated:\S+)$/;

export interface RoleMetric {
  readonly role: MetricRole;
  /** dice, iou, hd95Mm, assdMm, nsd, … (names of MaskComparison's fields). */
  readonly metric: string;
  /** Mean over `caseIds`. */
  readonly value: number;
  /** Label value the figure is for, e.g. "1" (absent: the model's only label). */
  readonly label?: string;
  readonly caseIds: readonly string[];
  readonly perCase?: Readonly<Record<string, number>>;
  readonly labelSource: LabelSource;
  /** The command that produced the figure. */
  readonly command?: string;
  readonly date?: string;
  readonly note?: string;
}

const DISPLAY: Readonly<Record<string, { name: string; unit: string; digits: number }>> = {
  dice: { name: 'Dice', unit: '', digits: 3 },
  iou: { name: 'IoU', unit: '', digits: 3 },
  hd95Mm: { name: 'HD95', unit: ' mm', digits: 1 },
  assdMm: { name: 'ASSD', unit: ' mm', digits: 2 },
  nsd: { name: 'NSD', unit: '', digits: 3 },
  volumeDifferenceMl: { name: 'ΔVolume', unit: ' mL', digits: 0 },
};

export function metricName(metric: string): string {
  return DISPLAY[metric]?.name ?? metric;
}

export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const d = DISPLAY[metric];
  return d ? `${value.toFixed(d.digits)}${d.unit}` : String(value);
}

const ROLE_WORD: Readonly<Record<MetricRole, string>> = { train: 'train', selection: 'selection', heldOut: 'held-out' };

export function labelSourceWords(source: LabelSource): string {
  if (source === 'expert') return 'expert labels';
  if (source === 'unknown') return 'labels of unknown origin';
  return `model-generated labels (${source.slice('model-generated:'.length)})`;
}

/** "Dice 0.827 · selection · model-generated labels (TotalSegmentator)". */
export function formatRoleMetric(m: Pick<RoleMetric, 'metric' | 'value' | 'role' | 'labelSource'>): string {
  return `${metricName(m.metric)} ${formatMetricValue(m.metric, m.value)} · ${ROLE_WORD[m.role]} · ${labelSourceWords(m.labelSource)}`;
}

/** One sentence for a tooltip: what the role says about the figure. */
export function roleMeaning(role: MetricRole): string {
  switch (role) {
    case 'train':
      return 'Measured on cases the model was trained on: shows it learned them, not how it does on new patients.';
    case 'selection':
      return 'Measured on cases that chose the epoch, threshold or recipe: optimistic for new patients.';
    case 'heldOut':
      return 'Measured on cases nothing about the model was tuned on: the best guide to new patients from similar scanners.';
  }
}

/** The figure to show first: Dice on held-out cases, else selection, else train; null when none is recorded. */
export function headlineMetric(metrics: readonly RoleMetric[]): RoleMetric | null {
  for (const role of ['heldOut', 'selection', 'train'] as const) {
    const m = metrics.find((x) => x.role === role && x.metric === 'dice');
    if (m) return m;
  }
  return null;
}
