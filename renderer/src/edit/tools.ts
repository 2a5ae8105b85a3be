/** The editing and navigation tools of the workstation and their keyboard shortcuts (config as data). */
import { EFFECTS } from './segmentEffects.js';
export type ToolId = 'windowLevel' | 'crosshairs' | 'pan' | 'zoom' | 'length' | 'ellipse' | 'brush' | 'eraser' | 'threshold';

export interface ToolSpec {
  readonly id: ToolId;
  readonly label: string;
  readonly key: string;
  /** Whether the primary button writes voxels with this tool. */
  readonly edits: boolean;
}

export const TOOLS: readonly ToolSpec[] = [
  { id: 'windowLevel', label: 'W/L', key: 'w', edits: false },
  { id: 'crosshairs', label: 'Crosshairs', key: 'c', edits: false },
  { id: 'pan', label: 'Pan', key: 'p', edits: false },
  { id: 'zoom', label: 'Zoom', key: 'z', edits: false },
  { id: 'length', label: 'Ruler', key: 'm', edits: false },
  { id: 'ellipse', label: 'Ellipse ROI', key: 'r', edits: false },
  { id: 'brush', label: 'Brush', key: 'b', edits: true },
  { id: 'eraser', label: 'Eraser', key: 'e', edits: true },
  { id: 'threshold', label: 'Threshold brush', key: 't', edits: true },
];

export interface Shortcut {
  readonly keys: string;
  readonly action: string;
}

/** What the help overlay lists (the handlers live in app/shortcuts.ts). */
export const SHORTCUTS: readonly Shortcut[] = [
  ...TOOLS.map((t) => ({ keys: t.key.toUpperCase(), action: t.label })),
  { keys: '↑ ↓ / PgUp PgDn / Home End', action: 'Previous / next slice, 10 slices, first / last' },
  { keys: '[ / ]', action: 'Brush radius − / +' },
  ...EFFECTS.filter((e) => e.key).map((e) => ({ keys: (e.key as string).toUpperCase(), action: `Segment editor: ${e.label}` })),
  { keys: 'Enter / Esc', action: 'Accept / cancel the grow-from-seeds or AI-correction preview (Esc also drops a scissors shape)' },
  { keys: 'Wheel / Shift+Wheel', action: 'AI-correction preview: threshold −/+ 0.05 / 0.01 (up grows the segment)' },
  { keys: 'S', action: 'Brush shape: 2D circle / 3D sphere' },
  { keys: 'Ctrl+Z', action: 'Undo' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', action: 'Redo' },
  { keys: 'Ctrl+S', action: 'Save a new label version' },
  { keys: '1 2 3 4', action: 'W/L preset: Liver, Abdomen, Bone, Lung' },
  { keys: 'O', action: 'Outline / filled overlay' },
  { keys: 'V', action: 'Show / hide the overlay' },
  { keys: 'L', action: 'Layout 1×1 / 2×2' },
  { keys: 'Wheel', action: 'Scroll slices' },
  { keys: 'Right drag / Middle drag', action: 'Zoom / Pan' },
  { keys: '?', action: 'This help' },
  { keys: 'Esc', action: 'Close overlays' },
];
