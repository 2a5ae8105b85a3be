/** Mounts the workstation on a given API object (the real one from main.ts, or a development fake). */
import { mount } from 'svelte';
import type { LobuleApi } from '../../../engine/api/contract.js';
import App from '../App.svelte';
import { AppState } from './appState.svelte.js';
import { stats } from './stats.js';
import '../app.css';

export function boot(api: LobuleApi): AppState {
  stats.bootAt = performance.now();
  const app = new AppState(api);
  /** Read-only hooks for the e2e tests and the UI benchmark (voxel counts, timings); they change nothing. */
  const probe = {
    stats,
    voxelCount: (value: number): number => app.session?.editor.counts[value] ?? -1,
    caseId: (): string | null => app.session?.caseId ?? null,
    baseVersion: (): string | null => app.session?.baseVersion ?? null,
    dirty: (): boolean => app.session?.dirty ?? false,
    busy: (): string | null => app.busy,
    journaled: (): boolean => app.session?.journaled ?? true,
  };
  (globalThis as { lobuleProbe?: typeof probe }).lobuleProbe = probe;
  mount(App, { target: document.getElementById('app') as HTMLElement, props: { app } });
  void app.start();
  return app;
}
