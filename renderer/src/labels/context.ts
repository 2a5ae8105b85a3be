/** Typed context of the curation state (labels/curation.svelte.ts), provided by App.svelte. */
import { createContext } from 'svelte';
import type { Curation } from './curation.svelte.js';

export const [useCuration, provideCuration] = createContext<Curation>();
