/**
 * What changed between two labelmaps on one grid: per label value the voxels added and removed and the Dice of
 * the two, plus a diff mask for display. Pure and browser-safe: the workspace reports it (labels.compare) and
 * the renderer colours the same mask, so both show one answer.
 */
import { dicePerLabel } from './metrics/dice.js';

/** Values of the diff mask: the voxel is the same in both, only in `after` (added) or only in `before` (removed). */
export const DIFF_SAME = 0;
export const DIFF_ADDED = 1;
export const DIFF_REMOVED = 2;

export interface LabelChange {
  /** Voxels of this value in `before` and in `after`. */
  readonly before: number;
  readonly after: number;
  /** Voxels that have this value in `after` but not in `before`, and the reverse. */
  readonly added: number;
  readonly removed: number;
  /** Dice of the value's voxels in the two maps (1 when both are empty). */
  readonly dice: number;
}

export interface LabelDiff {
  /** By label value as a string ("1"), for every non-zero value present in either map. */
  readonly labels: Readonly<Record<string, LabelChange>>;
  /** Voxels whose value differs. */
  readonly changedVoxels: number;
}

function check(before: Uint8Array, after: Uint8Array): void {
  if (before.length !== after.length) throw new RangeError(`label diff: the maps have ${before.length} and ${after.length} voxels`);
}

/** Per-label change from `before` to `after`. */
export function diffLabelmaps(before: Uint8Array, after: Uint8Array): LabelDiff {
  check(before, after);
  const countA = new Float64Array(256);
  const countB = new Float64Array(256);
  const added = new Float64Array(256);
  const removed = new Float64Array(256);
  let changed = 0;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    countA[a]++;
    countB[b]++;
    if (a !== b) {
      changed++;
      added[b]++;
      removed[a]++;
    }
  }
  const values: number[] = [];
  for (let v = 1; v < 256; v++) if (countA[v] > 0 || countB[v] > 0) values.push(v);
  const dice = dicePerLabel(after, before, values);
  const labels: Record<string, LabelChange> = {};
  for (const v of values)
    labels[String(v)] = { before: countA[v], after: countB[v], added: added[v], removed: removed[v], dice: dice[String(v)] };
  return { labels, changedVoxels: changed };
}

/**
 * The diff mask of one label value (or of any foreground when `value` is omitted): DIFF_ADDED where `after` has
 * it and `before` not, DIFF_REMOVED for the reverse, DIFF_SAME elsewhere.
 */
export function diffMask(before: Uint8Array, after: Uint8Array, value?: number, out = new Uint8Array(before.length)): Uint8Array {
  check(before, after);
  for (let i = 0; i < before.length; i++) {
    const a = value === undefined ? before[i] !== 0 : before[i] === value;
    const b = value === undefined ? after[i] !== 0 : after[i] === value;
    out[i] = a === b ? DIFF_SAME : b ? DIFF_ADDED : DIFF_REMOVED;
  }
  return out;
}
