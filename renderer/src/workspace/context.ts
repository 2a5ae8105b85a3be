/** Typed contexts of the workspace-level states (case curation, workspace picker, connection), provided by App.svelte. */
import { createContext } from 'svelte';
import type { CaseCuration } from './caseCuration.svelte.js';
import type { Connection } from './connection.svelte.js';
import type { Workspaces } from './workspaces.svelte.js';

export const [useCaseCuration, provideCaseCuration] = createContext<CaseCuration>();
export const [useWorkspaces, provideWorkspaces] = createContext<Workspaces>();
export const [useConnection, provideConnection] = createContext<Connection>();
