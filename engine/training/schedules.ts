/** Learning-rate schedules as data; `lrAt` is evaluated per epoch (or step) by the training loop and fed to the graph. */
import { z } from 'zod';
import { LobuleError } from '../errors.js';

export const LrScheduleSchema = z.discriminatedUnion('kind', [
  /** PyTorch CosineAnnealingWarmRestarts: periods t0, t0*tMult, t0*tMult^2, ... (the study: t0 5, tMult 3). */
  z.object({ kind: z.literal('cosine_restarts'), baseLr: z.number().positive(), t0: z.number().int().min(1).default(5), tMult: z.number().int().min(1).default(3), etaMin: z.number().min(0).default(0) }).strict(),
  /** Polynomial decay to 0 at `total` (nnU-Net: power 0.9). */
  z.object({ kind: z.literal('poly'), baseLr: z.number().positive(), total: z.number().positive(), power: z.number().positive().default(0.9) }).strict(),
  /** Linear warm-up from 0 over `warmup`, then half a cosine from baseLr to etaMin at `total`. */
  z.object({ kind: z.literal('warmup_cosine'), baseLr: z.number().positive(), warmup: z.number().min(0), total: z.number().positive(), etaMin: z.number().min(0).default(0) }).strict(),
  z.object({ kind: z.literal('constant'), baseLr: z.number().positive() }).strict(),
]);

export type LrSchedule = z.input<typeof LrScheduleSchema>;

export function parseSchedule(schedule: unknown): z.output<typeof LrScheduleSchema> {
  const r = LrScheduleSchema.safeParse(schedule);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new LobuleError('E_INVALID_ARGUMENT', `learning-rate schedule is invalid: ${issues}`, 'Correct the named fields (kinds: cosine_restarts, poly, warmup_cosine, constant)');
}

function cosine(base: number, etaMin: number, fraction: number): number {
  return etaMin + ((base - etaMin) * (1 + Math.cos(Math.PI * fraction))) / 2;
}

/** The learning rate at `epochOrStep` (0-based; fractional values allowed, as PyTorch's scheduler.step(epoch)). */
export function lrAt(schedule: LrSchedule, epochOrStep: number): number {
  const s = parseSchedule(schedule);
  const e = Math.max(0, epochOrStep);
  switch (s.kind) {
    case 'constant':
      return s.baseLr;
    case 'poly':
      return s.baseLr * Math.max(0, 1 - e / s.total) ** s.power;
    case 'warmup_cosine':
      if (e < s.warmup) return (s.baseLr * e) / s.warmup;
      return cosine(s.baseLr, s.etaMin, Math.min(1, (e - s.warmup) / Math.max(1e-12, s.total - s.warmup)));
    case 'cosine_restarts': {
      // Walk whole periods instead of PyTorch's log(): same result, no rounding at period boundaries.
      let start = 0;
      let period = s.t0;
      while (e >= start + period) {
        start += period;
        period *= s.tMult;
      }
      return cosine(s.baseLr, s.etaMin, (e - start) / period);
    }
  }
}
