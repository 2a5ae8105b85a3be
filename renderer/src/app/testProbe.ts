/**
 * Read-only hooks for the e2e tests and the UI benchmark (voxel counts, the voxels under points, timings); they
 * change nothing. A separate
 * chunk that boot.ts imports only when the page URL carries `probe` (test/e2e/helpers/browser.ts adds it), so
 * the hooks are not part of the main bundle and a user's page never loads them.
 */
import type { Workstation } from './workstation.js';
import { stats } from './stats.js';
import type { MprViewId } from '../viewer/viewports.js';

export function installProbe(ws: Workstation): void {
  const probe = {
    stats,
    voxelCount: (value: number): number => ws.cases.session?.editor.counts[value] ?? -1,
    caseId: (): string | null => ws.cases.session?.caseId ?? null,
    baseVersion: (): string | null => ws.cases.session?.baseVersion ?? null,
    dirty: (): boolean => ws.cases.session?.dirty ?? false,
    busy: (): string | null => ws.ui.busy,
    journaled: (): boolean => ws.cases.session?.journaled ?? true,
    /** Label and image value under element points (CSS px) of a 2D view, as the cursor readout sees them. */
    voxelsAt: (view: MprViewId, points: readonly (readonly [number, number])[]): ({ label: number; value: number } | null)[] =>
      points.map(([x, y]) => {
        const r = ws.viewer.engine.readoutAt(view, x, y);
        return r ? { label: r.label, value: r.value } : null;
      }),
  };
  (globalThis as { lobuleProbe?: typeof probe }).lobuleProbe = probe;
}
