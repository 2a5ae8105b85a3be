import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrAt } from '../../engine/training/schedules.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('cosine restarts (T0 5, Tmult 3) follow PyTorch CosineAnnealingWarmRestarts: restarts at epochs 5, 20, 65', () => {
  const s = { kind: 'cosine_restarts', t0: 5, tMult: 3, etaMin: 1e-4 } as const;
  const base = { baseLr: 1e-2, totalEpochs: 100 };
  const at = (T: number, cur: number) => 1e-4 + ((1e-2 - 1e-4) * (1 + Math.cos((Math.PI * cur) / T))) / 2;
  close(lrAt(s, base, 0), 1e-2);
  close(lrAt(s, base, 4), at(5, 4));
  close(lrAt(s, base, 5), 1e-2);
  close(lrAt(s, base, 12.5), at(15, 7.5));
  close(lrAt(s, base, 19), at(15, 14));
  close(lrAt(s, base, 20), 1e-2);
  close(lrAt(s, base, 64), at(45, 44));
  close(lrAt(s, base, 65), 1e-2);
});

test("poly decays as (1 - e/total)^0.9 and reaches 0 at the budget's last epoch", () => {
  close(lrAt({ kind: 'poly', power: 0.9 }, { baseLr: 0.01, totalEpochs: 100 }, 50), 0.01 * 0.5 ** 0.9);
  close(lrAt({ kind: 'poly', power: 0.9 }, { baseLr: 0.01, totalEpochs: 100 }, 100), 0);
});

test('warm-up + cosine rises linearly, peaks at the end of warm-up and ends at etaMin', () => {
  const s = { kind: 'warmup_cosine', warmup: 10, etaMin: 1e-5 } as const;
  const base = { baseLr: 1e-3, totalEpochs: 110 };
  close(lrAt(s, base, 0), 0);
  close(lrAt(s, base, 5), 5e-4);
  close(lrAt(s, base, 10), 1e-3);
  close(lrAt(s, base, 60), 1e-5 + (1e-3 - 1e-5) / 2);
  close(lrAt(s, base, 110), 1e-5);
});

test('a schedule with a bad field, or a non-positive learning rate, is rejected naming it', () => {
  assert.throws(() => lrAt({ kind: 'cosine_restarts', t0: 0, tMult: 3, etaMin: 0 }, { baseLr: 1e-3, totalEpochs: 10 }, 0), /t0/);
  assert.throws(() => lrAt({ kind: 'constant' }, { baseLr: -1, totalEpochs: 10 }, 0), /learning rate -1/);
});
