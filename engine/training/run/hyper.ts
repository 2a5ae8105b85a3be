/** The run configuration's optimizer and learning-rate schedule, in the trainer's terms. */
import type { OptimizerConfig } from '../optimizers.js';
import type { TrainConfig } from '../data/config.js';
import { lrAt, type LrSchedule } from '../schedules.js';

export function optimizerFor(c: TrainConfig): OptimizerConfig {
  switch (c.optimizer) {
    case 'novograd':
      return { kind: 'novograd', weightDecay: c.weightDecay };
    case 'adam':
      return { kind: 'adam', weightDecay: c.weightDecay };
    case 'sgd':
      return { kind: 'sgd', momentum: 0.99, nesterov: true, weightDecay: c.weightDecay };
  }
}

/** Learning rate at a fractional epoch, by engine/training's schedules (PyTorch semantics). */
export function lrSchedule(c: TrainConfig): (epoch: number) => number {
  const s = c.schedule;
  const schedule: LrSchedule =
    s.kind === 'poly'
      ? { kind: 'poly', baseLr: c.lr, total: c.epochs, power: s.power }
      : { kind: 'cosine_restarts', baseLr: c.lr, t0: s.t0, tMult: s.tMult, etaMin: s.minLr };
  return (epoch) => lrAt(schedule, epoch);
}
