/**
 * The settings of the Segment editor's one-row effects (margin, smoothing, hollow, interpolate) as data: which
 * editor setting each control binds, its label and its test id. EditToolsPanel renders each kind of control once
 * from this table instead of restating the markup per effect.
 */
import type { SegmentEditor } from '../edit/segmentEditor.svelte.js';
import type { EffectId } from '../edit/segmentEffects.js';
import { INTERPOLATION_CHOICES, SHELL_SIDE_CHOICES, SMOOTHING_CHOICES, type Choice } from '../edit/effectChoices.js';

/** A distance in mm (a number input). */
export interface MmField {
  readonly kind: 'mm';
  readonly key: keyof Pick<SegmentEditor, 'marginMm' | 'smoothingMm' | 'hollowMm'>;
  readonly label: string;
  readonly testid: string;
  readonly min?: number;
  readonly width: string;
  readonly title?: string;
}

/** One of a list of choices (a select). */
export interface ChoiceField {
  readonly kind: 'choice';
  readonly key: keyof Pick<SegmentEditor, 'smoothingMethod' | 'hollowSide' | 'interpolationAxis'>;
  readonly choices: readonly Choice<string | number>[];
  readonly ariaLabel: string;
  readonly testid: string;
}

export type EffectField = MmField | ChoiceField;

/** The controls of each one-row effect, left to right; an Apply button follows them. */
export const EFFECT_FIELDS: Partial<Record<EffectId, readonly EffectField[]>> = {
  margin: [{ kind: 'mm', key: 'marginMm', label: 'Margin', testid: 'margin-mm', width: '5em', title: 'Positive grows, negative shrinks' }],
  smoothing: [
    { kind: 'choice', key: 'smoothingMethod', choices: SMOOTHING_CHOICES, ariaLabel: 'Smoothing method', testid: 'smoothing-method' },
    { kind: 'mm', key: 'smoothingMm', label: 'Kernel', testid: 'smoothing-mm', min: 0.5, width: '4em' },
  ],
  hollow: [
    { kind: 'mm', key: 'hollowMm', label: 'Shell', testid: 'hollow-mm', min: 0.5, width: '4em' },
    { kind: 'choice', key: 'hollowSide', choices: SHELL_SIDE_CHOICES, ariaLabel: 'Shell side', testid: 'hollow-side' },
  ],
  interpolate: [
    { kind: 'choice', key: 'interpolationAxis', choices: INTERPOLATION_CHOICES, ariaLabel: 'Slices', testid: 'interpolate-axis' },
  ],
};
