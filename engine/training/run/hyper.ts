/** The plan's optimizer and learning-rate schedule in the trainer's terms; every parameter comes from the plan. */
import type { OptimizerConfig } from '../optimizers.js';
import type { TrainPlan } from '../../common/train-plan/schema.js';
import { lrAt } from '../schedules.js';

export function optimizerFor(plan: TrainPlan): OptimizerConfig {
  const o = plan.optimizer;
  switch (o.kind) {
    case 'novograd':
      return { kind: 'novograd', betas: o.betas, weightDecay: o.weightDecay };
    case 'adam':
    case 'adamw':
      return { kind: o.kind, betas: o.betas, weightDecay: o.weightDecay };
    case 'sgd':
      return { kind: 'sgd', momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay };
  }
}

/** Learning rate at a fractional epoch of the plan's budget. */
export function lrSchedule(plan: TrainPlan): (epoch: number) => number {
  const base = { baseLr: plan.optimizer.lr, totalEpochs: plan.budget.epochs };
  return (epoch) => lrAt(plan.schedule, base, epoch);
}
