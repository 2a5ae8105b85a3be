/**
 * Learning rate at a (fractional) epoch for the plan's one schedule schema (engine/common/train-plan), with
 * PyTorch semantics; the training loop evaluates it per step and feeds it to the graph.
 */
import { LobuleError } from '../errors.js';
import { planIssues, ScheduleSchema, type Schedule } from '../common/train-plan/schema.js';

export interface LrBase {
  readonly baseLr: number;
  /** Epochs in the budget: where poly and warm-up cosine reach their end. */
  readonly totalEpochs: number;
}

function cosine(base: number, etaMin: number, fraction: number): number {
  return etaMin + ((base - etaMin) * (1 + Math.cos(Math.PI * fraction))) / 2;
}

/** The learning rate at `epoch` (0-based; fractional values allowed, as PyTorch's scheduler.step(epoch)). */
export function lrAt(schedule: Schedule, base: LrBase, epoch: number): number {
  const r = ScheduleSchema.safeParse(schedule);
  if (!r.success)
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `learning-rate schedule is invalid: ${planIssues(r.error)}`,
      'Correct the named fields (kinds: cosine_restarts, poly, warmup_cosine, constant)',
    );
  if (!(base.baseLr > 0))
    throw new LobuleError('E_INVALID_ARGUMENT', `learning rate ${base.baseLr} is not positive`, 'Use a learning rate above 0, e.g. 1e-3');
  const s = r.data;
  const e = Math.max(0, epoch);
  switch (s.kind) {
    case 'constant':
      return base.baseLr;
    case 'poly':
      return base.baseLr * Math.max(0, 1 - e / base.totalEpochs) ** s.power;
    case 'warmup_cosine':
      if (e < s.warmup) return (base.baseLr * e) / s.warmup;
      return cosine(base.baseLr, s.etaMin, Math.min(1, (e - s.warmup) / Math.max(1e-12, base.totalEpochs - s.warmup)));
    case 'cosine_restarts': {
      // Walk whole periods instead of PyTorch's log(): same result, no rounding at period boundaries.
      let start = 0;
      let period = s.t0;
      while (e >= start + period) {
        start += period;
        period *= s.tMult;
      }
      return cosine(base.baseLr, s.etaMin, (e - start) / period);
    }
  }
}
