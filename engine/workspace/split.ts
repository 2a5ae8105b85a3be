/**
 * Train/val/test assignment as pure functions of (case ids, settings), so the same seed always gives the same
 * split, and the nnU-Net `splits_final.json` form of it.
 */
import { LobuleError } from '../errors.js';
import { Rng } from '../common/rng.js';
import { STUDY_PLAN } from '../common/train-plan/defaults.js';
import type { SplitName } from './manifest.js';

export interface SplitOptions {
  /** Share of all cases that goes to validation. Default 0.2. */
  readonly val?: number;
  /** Share of all cases held out for testing. Default 0.2 (ignored while a locked test split exists). */
  readonly test?: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed?: number;
  /** Lock the test cases: they can no longer move and no training run reads them. Default false. */
  readonly lockTest?: boolean;
  /** Make K cross-validation folds of the non-test cases instead of one train/val split (K ≥ 2). */
  readonly folds?: number;
}

export interface SplitInputCase {
  readonly id: string;
  readonly split: SplitName;
  readonly testLocked: boolean;
}

export interface SplitAssignment {
  readonly split: SplitName;
  readonly fold: number | null;
}

export interface ResolvedSplitOptions {
  readonly val: number;
  readonly test: number;
  readonly seed: number;
  readonly lockTest: boolean;
  readonly folds: number | null;
}

export function resolveSplitOptions(o: SplitOptions): ResolvedSplitOptions {
  const val = o.val ?? 0.2;
  const test = o.test ?? 0.2;
  const seed = o.seed ?? STUDY_PLAN.seeds.split;
  const folds = o.folds ?? null;
  for (const [name, v] of [
    ['val', val],
    ['test', test],
  ] as const) {
    if (!(v >= 0 && v < 1))
      throw new LobuleError('E_INVALID_ARGUMENT', `split share --${name} must be in [0, 1), got ${v}`, 'Pass a fraction such as 0.2');
  }
  if (folds === null && val + test >= 1)
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `split shares val ${val} + test ${test} leave no training cases`,
      'Make val + test smaller than 1',
    );
  if (!Number.isInteger(seed)) throw new LobuleError('E_INVALID_ARGUMENT', `split seed must be an integer, got ${seed}`);
  if (folds !== null && !(Number.isInteger(folds) && folds >= 2))
    throw new LobuleError('E_INVALID_ARGUMENT', `--folds must be an integer ≥ 2, got ${folds}`);
  return { val, test, seed, lockTest: o.lockTest ?? false, folds };
}

/**
 * Assigns every case a split. Cases are sorted by id before the seeded shuffle, so the result depends only on the
 * set of ids and the options, not on import order. Locked test cases stay in test and no new test cases are drawn
 * while a locked test set exists (its membership is what "locked" protects). With folds, the non-test cases are
 * dealt round-robin into K folds; fold 0 is the validation split and the rest train (so `train`/`val` always
 * describe one runnable split).
 *
 * Example: 10 cases, val 0.2, test 0.2 → 2 test, 2 val, 6 train.
 */
export function assignSplits(cases: readonly SplitInputCase[], options: ResolvedSplitOptions): Map<string, SplitAssignment> {
  const out = new Map<string, SplitAssignment>();
  const locked = cases.filter((c) => c.testLocked);
  for (const c of locked) out.set(c.id, { split: 'test', fold: null });
  const free = cases
    .filter((c) => !c.testLocked)
    .map((c) => c.id)
    .sort();
  const order = Rng.derive(options.seed, 'workspace-split')
    .permutation(free.length)
    .map((i) => free[i]);
  const n = cases.length;
  const nTest = locked.length > 0 ? 0 : Math.min(free.length, Math.round(n * options.test));
  const test = order.slice(0, nTest);
  const rest = order.slice(nTest);
  for (const id of test) out.set(id, { split: 'test', fold: null });
  if (options.folds !== null) {
    rest.forEach((id, i) => {
      const fold = i % options.folds!;
      out.set(id, { split: fold === 0 ? 'val' : 'train', fold });
    });
    return out;
  }
  const nVal = Math.min(rest.length, Math.round(n * options.val));
  rest.forEach((id, i) => out.set(id, { split: i < nVal ? 'val' : 'train', fold: null }));
  return out;
}

/** One entry of nnU-Net v2's `splits_final.json`: a list of {train, val} identifier lists, one per fold. */
export interface NnunetFold {
  train: string[];
  val: string[];
}

export interface SplitCaseView {
  readonly id: string;
  readonly split: SplitName;
  readonly fold: number | null;
}

/**
 * nnU-Net v2 `splits_final.json` content: with K folds, K entries (fold f validates on fold f, trains on the
 * others); without folds, one entry from the train/val split. Test and unassigned cases never appear.
 */
export function nnunetSplits(cases: readonly SplitCaseView[], folds: number | null): NnunetFold[] {
  const pool = cases.filter((c) => c.split === 'train' || c.split === 'val');
  if (folds === null || pool.some((c) => c.fold === null)) {
    return [
      {
        train: pool
          .filter((c) => c.split === 'train')
          .map((c) => c.id)
          .sort(),
        val: pool
          .filter((c) => c.split === 'val')
          .map((c) => c.id)
          .sort(),
      },
    ];
  }
  return Array.from({ length: folds }, (_, f) => ({
    train: pool
      .filter((c) => c.fold !== f)
      .map((c) => c.id)
      .sort(),
    val: pool
      .filter((c) => c.fold === f)
      .map((c) => c.id)
      .sort(),
  }));
}
