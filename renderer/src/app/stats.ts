/**
 * Timings the UI benchmark reads through `window.lobuleStats` (open, dab, tool switch, save). Collected always:
 * a few numbers per action cost nothing.
 */
import { dabDurations } from '../edit/brushController.js';

export const stats = {
  /** ms since navigation start when the app booted, and when the first case began to open. */
  bootAt: 0,
  firstOpenAt: 0,
  openMs: [] as number[],
  openPhases: [] as { loadMs: number; showMs: number }[],
  saveMs: [] as number[],
  toolSwitchMs: [] as number[],
  dabMs: dabDurations,
};

export type LobuleStats = typeof stats;
