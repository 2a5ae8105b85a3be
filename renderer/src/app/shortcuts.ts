/** Keyboard shortcuts of the workstation (listed for users in edit/tools.ts SHORTCUTS). */
import { TOOLS } from '../edit/tools.js';
import { WINDOW_PRESETS } from '../viewer/presets.js';
import type { AppState } from './appState.svelte.js';

// Inputs that take no typed text (sliders, checkboxes, radio buttons, colour pickers) keep the shortcuts working:
// a user who just moved the opacity slider still expects B to pick the brush.
const NON_TEXT_INPUTS = new Set(['range', 'checkbox', 'radio', 'color', 'button', 'submit', 'reset']);

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === 'INPUT') return !NON_TEXT_INPUTS.has((el as HTMLInputElement).type);
  return el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || el.isContentEditable;
}

export function handleShortcut(app: AppState, e: KeyboardEvent): void {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (ctrl && key === 'z') {
    e.preventDefault();
    if (e.shiftKey) app.redo();
    else app.undo();
    return;
  }
  if (ctrl && key === 'y') {
    e.preventDefault();
    app.redo();
    return;
  }
  if (ctrl && key === 's') {
    e.preventDefault();
    void app.save();
    return;
  }
  if (e.key === 'Escape') {
    app.helpOpen = false;
    return;
  }
  if (ctrl || e.altKey || isTyping(e.target)) return;
  if (e.key === '?' || key === 'h') {
    app.helpOpen = !app.helpOpen;
    return;
  }
  const tool = TOOLS.find((t) => t.key === key);
  if (tool) return app.tools.setTool(tool.id);
  const preset = WINDOW_PRESETS.find((p) => p.key === key);
  if (preset) return app.viewer.applyPreset(preset.id);
  if (e.key === '[') return app.tools.nudgeRadius(-1);
  if (e.key === ']') return app.tools.nudgeRadius(1);
  if (key === 's') app.tools.shape = app.tools.shape === 'circle' ? 'sphere' : 'circle';
  else if (key === 'o') app.viewer.toggleOutline();
  else if (key === 'v') app.viewer.toggleOverlay();
  else if (key === 'l') app.viewer.setLayout(app.viewer.layout === '2x2' ? '1x1' : '2x2');
}
