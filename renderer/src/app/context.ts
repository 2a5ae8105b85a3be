/** Typed context access to the one AppState (components never import a global). */
import { getContext, setContext } from 'svelte';
import type { AppState } from './appState.svelte.js';

const KEY = Symbol('lobule.app');

export function provideApp(app: AppState): void {
  setContext(KEY, app);
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('useApp() called outside <App>');
  return app;
}
