import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrAt } from '../../engine/training/schedules.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('cosine restarts (T0 5, Tmult 3) follow PyTorch CosineAnnealingWarmRestarts: restarts at epochs 5, 20, 65', () => {
  const s = { kind: 'cosine_restarts', baseLr: 1e-2, etaMin: 1e-4 } as const;
  const at = (T: number, cur: number) => 1e-4 + ((1e-2 - 1e-4) * (1 + Math.cos((Math.PI * cur) / T))) / 2;
  close(lrAt(s, 0), 1e-2);
  close(lrAt(s, 4), at(5, 4));
  close(lrAt(s, 5), 1e-2);
  close(lrAt(s, 12.5), at(15, 7.5));
  close(lrAt(s, 19), at(15, 14));
  close(lrAt(s, 20), 1e-2);
  close(lrAt(s, 64), at(45, 44));
  close(lrAt(s, 65), 1e-2);
});

test('poly decays as (1 - e/total)^0.9 and reaches 0 at total', () => {
  close(lrAt({ kind: 'poly', baseLr: 0.01, total: 100 }, 50), 0.01 * 0.5 ** 0.9);
  close(lrAt({ kind: 'poly', baseLr: 0.01, total: 100 }, 100), 0);
});

test('warm-up + cosine rises linearly, peaks at the end of warm-up and ends at etaMin', () => {
  const s = { kind: 'warmup_cosine', baseLr: 1e-3, warmup: 10, total: 110, etaMin: 1e-5 } as const;
  close(lrAt(s, 0), 0);
  close(lrAt(s, 5), 5e-4);
  close(lrAt(s, 10), 1e-3);
  close(lrAt(s, 60), 1e-5 + (1e-3 - 1e-5) / 2);
  close(lrAt(s, 110), 1e-5);
});

test('a schedule with a bad field is rejected naming the field', () => {
  assert.throws(() => lrAt({ kind: 'cosine_restarts', baseLr: -1 }, 0), /baseLr/);
});
