/** Mounts the workstation on a given API object (the real one from main.ts). */
import { mount } from 'svelte';
import type { LobuleApi } from '../../../engine/api/contract.js';
import App from '../App.svelte';
import { createWorkstation, startWorkstation, type Workstation } from './workstation.js';
import { stats } from './stats.js';
import '../app.css';

export function boot(api: LobuleApi): Workstation {
  stats.bootAt = performance.now();
  const ws = createWorkstation(api);
  /** Read-only hooks for the e2e tests and the UI benchmark (voxel counts, timings); they change nothing. */
  const probe = {
    stats,
    voxelCount: (value: number): number => ws.cases.session?.editor.counts[value] ?? -1,
    caseId: (): string | null => ws.cases.session?.caseId ?? null,
    baseVersion: (): string | null => ws.cases.session?.baseVersion ?? null,
    dirty: (): boolean => ws.cases.session?.dirty ?? false,
    busy: (): string | null => ws.ui.busy,
    journaled: (): boolean => ws.cases.session?.journaled ?? true,
  };
  (globalThis as { lobuleProbe?: typeof probe }).lobuleProbe = probe;
  mount(App, { target: document.getElementById('app') as HTMLElement, props: { ws } });
  void startWorkstation(ws);
  return ws;
}
