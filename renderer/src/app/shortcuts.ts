/** Keyboard shortcuts of the workstation (listed for users in edit/tools.ts SHORTCUTS). */
import { TOOLS } from '../edit/tools.js';
import { WINDOW_PRESETS } from '../viewer/presets.js';
import type { Workstation } from './workstation.js';

// Inputs that take no typed text (sliders, checkboxes, radio buttons, colour pickers) keep the shortcuts working:
// a user who just moved the opacity slider still expects B to pick the brush.
const NON_TEXT_INPUTS = new Set(['range', 'checkbox', 'radio', 'color', 'button', 'submit', 'reset']);

/** Slice stepping in the focused 2D view (as in most PACS): ±1, ±10, first, last. */
const SLICE_KEYS: Readonly<Record<string, number | 'first' | 'last'>> = {
  ArrowUp: -1,
  ArrowDown: 1,
  PageUp: -10,
  PageDown: 10,
  Home: 'first',
  End: 'last',
};

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === 'INPUT') return !NON_TEXT_INPUTS.has((el as HTMLInputElement).type);
  return el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || el.isContentEditable;
}

export function handleShortcut(ws: Workstation, e: KeyboardEvent): void {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (ctrl && key === 'z') {
    e.preventDefault();
    if (e.shiftKey) ws.edits.redo();
    else ws.edits.undo();
    return;
  }
  if (ctrl && key === 'y') {
    e.preventDefault();
    ws.edits.redo();
    return;
  }
  if (ctrl && key === 's') {
    e.preventDefault();
    void ws.cases.save();
    return;
  }
  if (e.key === 'Escape') {
    ws.ui.helpOpen = false;
    return;
  }
  if (ctrl || e.altKey || isTyping(e.target)) return;
  const step = SLICE_KEYS[e.key];
  if (step !== undefined) {
    e.preventDefault();
    if (step === 'first' || step === 'last') ws.viewer.jumpSlice(step);
    else ws.viewer.stepSlice(step);
    return;
  }
  if (e.key === '?' || key === 'h') {
    ws.ui.helpOpen = !ws.ui.helpOpen;
    return;
  }
  const tool = TOOLS.find((t) => t.key === key);
  if (tool) return ws.tools.setTool(tool.id);
  const preset = WINDOW_PRESETS.find((p) => p.key === key);
  if (preset) return ws.viewer.applyPreset(preset.id);
  if (e.key === '[') return ws.tools.nudgeRadius(-1);
  if (e.key === ']') return ws.tools.nudgeRadius(1);
  if (key === 's') ws.tools.shape = ws.tools.shape === 'circle' ? 'sphere' : 'circle';
  else if (key === 'o') ws.viewer.toggleOutline();
  else if (key === 'v') ws.viewer.toggleOverlay();
  else if (key === 'l') ws.viewer.setLayout(ws.viewer.layout === '2x2' ? '1x1' : '2x2');
}
