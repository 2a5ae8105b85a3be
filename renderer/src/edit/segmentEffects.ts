/** The Segment Editor's effects as data: label, tooltip and keyboard shortcut (free keys only: see tools.ts). */
export type EffectId = 'grow' | 'margin' | 'smoothing' | 'hollow' | 'logical' | 'islands' | 'scissors' | 'interpolate' | 'ai';

export interface EffectSpec {
  readonly id: EffectId;
  readonly label: string;
  /** Shortcut key (lower case), where a common one exists and does not clash with the workstation's. */
  readonly key?: string;
  readonly tooltip: string;
}

export const EFFECTS: readonly EffectSpec[] = [
  {
    id: 'grow',
    label: 'Grow from seeds',
    key: 'g',
    tooltip:
      'Paint a few strokes of two or more segments (e.g. liver and a background segment), then grow them over the volume by ' +
      'intensity similarity. Shows a preview that follows new strokes; Accept or Cancel.',
  },
  {
    id: 'margin',
    label: 'Margin',
    tooltip: 'Grow or shrink the selected segment by N mm (true Euclidean distance, voxel spacing respected).',
  },
  {
    id: 'smoothing',
    label: 'Smoothing',
    key: 'k',
    tooltip:
      'Median, opening (removes thin protrusions), closing (fills gaps) of the selected segment, or joint smoothing of all ' +
      'segments; kernel in mm.',
  },
  { id: 'hollow', label: 'Hollow', tooltip: 'Replace the selected segment by a shell of N mm inside, outside or centred on its surface.' },
  {
    id: 'logical',
    label: 'Logical operators',
    tooltip: 'Copy, add, subtract or intersect another segment into the selected one; invert or clear it.',
  },
  {
    id: 'islands',
    label: 'Islands',
    key: 'i',
    tooltip: 'Keep the largest island, remove islands smaller than N mL, split islands into segments, or click to keep one island.',
  },
  {
    id: 'scissors',
    label: 'Scissors',
    key: 'x',
    tooltip: 'Draw a shape on a 2D view: erase or fill the selected segment inside or outside it, through the volume or a slab.',
  },
  {
    id: 'interpolate',
    label: 'Interpolate',
    tooltip:
      'Fill the selected segment on the slices between the slices it is drawn on, across other segments as the overwrite rule ' +
      'allows (a tumour drawn inside the liver is interpolated through it).',
  },
  {
    id: 'ai',
    label: 'AI correction',
    key: 'a',
    tooltip:
      "Click (or drag) on a mis-segmented spot: around it the selected segment shows the model's answer at a threshold you set " +
      'with the wheel or the slider (probabilities kept from the last Auto-segment, so no model runs). Enter accepts, Esc cancels.',
  },
];
