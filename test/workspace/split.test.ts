import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSplits, nnunetSplits, resolveSplitOptions, type SplitInputCase } from '../../engine/workspace/split.js';

const ids = Array.from({ length: 20 }, (_, i) => `case_${String(i).padStart(2, '0')}`);
const fresh: SplitInputCase[] = ids.map((id) => ({ id, split: 'unassigned', testLocked: false }));

function bySplit(a: Map<string, { split: string }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, { split }] of a) (out[split] ??= []).push(id);
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

test('same seed gives the same split, whatever the order the cases come in', () => {
  const o = resolveSplitOptions({ val: 0.2, test: 0.2, seed: 0 });
  const a = bySplit(assignSplits(fresh, o));
  const b = bySplit(assignSplits([...fresh].reverse(), o));
  assert.deepEqual(a, b);
  assert.equal(a.test.length, 4);
  assert.equal(a.val.length, 4);
  assert.equal(a.train.length, 12);
  const c = bySplit(assignSplits(fresh, resolveSplitOptions({ val: 0.2, test: 0.2, seed: 1 })));
  assert.notDeepEqual(a, c, 'another seed draws another split');
});

test('locked test cases stay in test and no new test cases are drawn', () => {
  const locked = fresh.map((c, i) => (i < 3 ? { ...c, split: 'test' as const, testLocked: true } : c));
  const a = bySplit(assignSplits(locked, resolveSplitOptions({ val: 0.2, test: 0.5, seed: 7 })));
  assert.deepEqual(a.test, ids.slice(0, 3));
});

test('k folds deal the non-test cases into K folds and splits_final has one entry per fold', () => {
  const o = resolveSplitOptions({ test: 0.2, seed: 3, folds: 4 });
  const a = assignSplits(fresh, o);
  const view = [...a].map(([id, x]) => ({ id, ...x }));
  const folds = nnunetSplits(view, 4);
  assert.equal(folds.length, 4);
  const nonTest = view
    .filter((c) => c.split !== 'test')
    .map((c) => c.id)
    .sort();
  assert.equal(nonTest.length, 16);
  for (const f of folds) {
    assert.equal(f.val.length, 4);
    assert.deepEqual([...f.train, ...f.val].sort(), nonTest, 'each fold covers every non-test case once');
  }
  assert.deepEqual(folds.flatMap((f) => f.val).sort(), nonTest, 'every case validates in exactly one fold');
});

test('bad split options are refused', () => {
  assert.throws(() => resolveSplitOptions({ val: 0.6, test: 0.5 }), /leave no training cases/);
  assert.throws(() => resolveSplitOptions({ val: -0.1 }), /--val must be in \[0, 1\)/);
  assert.throws(() => resolveSplitOptions({ folds: 1 }), /--folds/);
});
