/** The run configuration's optimizer and learning-rate schedule, in the trainer's terms. */
import type { OptimizerConfig } from '../optimizers.js';
import type { TrainConfig } from '../data/config.js';

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

/**
 * Learning rate at a fractional epoch. cosine-restarts is PyTorch's CosineAnnealingWarmRestarts stepped with a
 * fractional epoch (restarts after T0, T0 + T0·Tmult, …); poly is nnU-Net's lr·(1 − epoch/epochs)^power.
 */
export function lrSchedule(c: TrainConfig): (epoch: number) => number {
  const s = c.schedule;
  if (s.kind === 'poly') return (e) => c.lr * Math.pow(Math.max(0, 1 - e / c.epochs), s.power);
  return (e) => {
    let t = e;
    let period = s.t0;
    while (t >= period) {
      t -= period;
      period *= s.tMult;
    }
    return s.minLr + ((c.lr - s.minLr) * (1 + Math.cos((Math.PI * t) / period))) / 2;
  };
}
