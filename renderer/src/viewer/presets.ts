/** Window/level presets in HU (config as data). Liver W600/L0 is the liver study's [-300, 300] clip. */
export interface WindowPreset {
  readonly id: string;
  readonly label: string;
  readonly window: number;
  readonly level: number;
  /** Keyboard shortcut key. */
  readonly key: string;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'liver', label: 'Liver', window: 600, level: 0, key: '1' },
  { id: 'abdomen', label: 'Abdomen', window: 400, level: 40, key: '2' },
  { id: 'bone', label: 'Bone', window: 1800, level: 400, key: '3' },
  { id: 'lung', label: 'Lung', window: 1500, level: -600, key: '4' },
];

export function voiRange(window: number, level: number): { lower: number; upper: number } {
  return { lower: level - window / 2, upper: level + window / 2 };
}

// the palette lives in engine/common so exports colour segments exactly as the viewer does
export { SEGMENT_COLORS, segmentColor } from '../../../engine/common/segment-colors.js';
