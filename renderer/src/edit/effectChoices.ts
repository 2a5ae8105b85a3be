/** The choices of the Segment editor's selects as data (value, label, tooltip): the panel renders each list once. */
import type { SmoothingMethod } from '../../../engine/common/edit/smoothing.js';
import type { ShellSide } from '../../../engine/common/edit/margin.js';
import type { LogicalOp } from '../../../engine/common/edit/logical.js';
import type { SliceAxis } from '../../../engine/common/edit/interpolate.js';
import type { OverwriteRule } from '../../../engine/common/edit/policy.js';

export interface Choice<T extends string | number> {
  readonly value: T;
  readonly label: string;
  readonly title?: string;
}

export const SMOOTHING_CHOICES: readonly Choice<SmoothingMethod | 'joint'>[] = [
  { value: 'median', label: 'Median', title: 'Removes small extrusions and fills small gaps' },
  { value: 'opening', label: 'Opening', title: 'Removes extrusions thinner than the kernel' },
  { value: 'closing', label: 'Closing', title: 'Fills gaps and holes narrower than the kernel' },
  { value: 'joint', label: 'Joint (all segments)', title: 'Smooths all segments together, without gaps or overlaps' },
];

export const SHELL_SIDE_CHOICES: readonly Choice<ShellSide>[] = [
  { value: 'inside', label: 'inside surface' },
  { value: 'centred', label: 'centred' },
  { value: 'outside', label: 'outside surface' },
];

export const LOGICAL_CHOICES: readonly Choice<LogicalOp>[] = [
  { value: 'copy', label: 'Copy', title: "The selected segment becomes exactly the source's voxels" },
  { value: 'add', label: 'Add', title: "Union: the source's voxels join the selected segment" },
  { value: 'subtract', label: 'Subtract', title: "Removes the source's voxels (labels never overlap, so none unless masked)" },
  { value: 'intersect', label: 'Intersect', title: 'Keeps only voxels also in the source' },
  { value: 'invert', label: 'Invert', title: 'Every other voxel (where the overwrite rule allows)' },
  { value: 'clear', label: 'Clear', title: 'Empties the selected segment' },
];

export const INTERPOLATION_CHOICES: readonly Choice<SliceAxis>[] = [
  { value: 2, label: 'between axial slices' },
  { value: 1, label: 'between coronal slices' },
  { value: 0, label: 'between sagittal slices' },
];

export const SCISSORS_ACTION_CHOICES: readonly Choice<'erase' | 'fill'>[] = [
  { value: 'erase', label: 'Erase' },
  { value: 'fill', label: 'Fill' },
];

export const SCISSORS_REGION_CHOICES: readonly Choice<'inside' | 'outside'>[] = [
  { value: 'inside', label: 'inside' },
  { value: 'outside', label: 'outside' },
];

export const SCISSORS_SHAPE_CHOICES: readonly Choice<'freehand' | 'polygon'>[] = [
  { value: 'freehand', label: 'freehand (drag)' },
  { value: 'polygon', label: 'polygon (click, double-click ends)' },
];

export const MASK_MODE_CHOICES: readonly Choice<'everywhere' | 'inside' | 'outside'>[] = [
  { value: 'everywhere', label: 'everywhere' },
  { value: 'inside', label: 'only inside' },
  { value: 'outside', label: 'only outside' },
];

export const OVERWRITE_CHOICES: readonly Choice<OverwriteRule>[] = [
  { value: 'all', label: 'all' },
  { value: 'visible', label: 'visible only' },
  { value: 'none', label: 'none' },
];
