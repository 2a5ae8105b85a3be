/**
 * Viewer preferences that survive a reload (layout, W/L preset, brush radius), in localStorage. Read once at
 * start; a missing or damaged entry falls back to the defaults instead of failing the start.
 */
export interface ViewerPrefs {
  readonly layout?: '1x1' | '2x2';
  readonly windowPreset?: string;
  readonly brushRadiusMm?: number;
}

const KEY = 'lobule.viewer.prefs';

export function loadViewerPrefs(): ViewerPrefs {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null) return {};
    const p = parsed as Record<string, unknown>;
    return {
      ...(p.layout === '1x1' || p.layout === '2x2' ? { layout: p.layout } : {}),
      ...(typeof p.windowPreset === 'string' ? { windowPreset: p.windowPreset } : {}),
      ...(typeof p.brushRadiusMm === 'number' && p.brushRadiusMm > 0 ? { brushRadiusMm: p.brushRadiusMm } : {}),
    };
  } catch {
    return {};
  }
}

/** Merges `change` into the stored preferences (storage full or disabled: the preference is just not kept). */
export function saveViewerPrefs(change: ViewerPrefs): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify({ ...loadViewerPrefs(), ...change }));
  } catch {
    // private mode or quota: nothing to keep, nothing lost
  }
}
