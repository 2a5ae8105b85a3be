/**
 * Timings the UI benchmark reads through `window.lobuleStats` (open, dab, tool switch, save). Collected always:
 * a few numbers per action cost nothing.
 */
import { dabDurations } from '../edit/brushController.js';

export const stats = {
  openMs: [] as number[],
  openPhases: [] as { loadMs: number; showMs: number }[],
  saveMs: [] as number[],
  toolSwitchMs: [] as number[],
  dabMs: dabDurations,
};

export type LobuleStats = typeof stats;
