/** Mounts the workstation on a given API object (the real one from main.ts). */
import { mount } from 'svelte';
import type { LobuleApi } from '../../../engine/api/contract.js';
import type { EarlyCase } from '../edit/caseFetch.js';
import App from '../App.svelte';
import { createWorkstation, startWorkstation, type Workstation } from './workstation.js';
import { stats } from './stats.js';
import '../app.css';

/** `early`: the reopened case's requests, started before this bundle loaded (main.ts). */
export function boot(api: LobuleApi, early: EarlyCase | null = null): Workstation {
  stats.bootAt = performance.now();
  const ws = createWorkstation(api, early);
  // Test hooks live in their own chunk, loaded only for a page opened with `?probe` (e2e tests, benchmark).
  if (new URLSearchParams(location.search).has('probe')) void import('./testProbe.js').then((m) => m.installProbe(ws));
  mount(App, { target: document.getElementById('app') as HTMLElement, props: { ws } });
  void startWorkstation(ws);
  return ws;
}
