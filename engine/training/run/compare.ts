/**
 * The end-of-run comparison that keeps a user from ending up with a worse model: the candidate and the model
 * that is active in the workspace each run through the full `segmentVolume` pipeline (the same code as
 * `lobule segment` and the app's Auto-segment) on every val case, and are scored with Dice against the val
 * labels on the scan's own grid. Classes are matched by name, so a base model with other label values compares.
 * The networks run off the job's thread, so a Stop during the comparison ends it within a window.
 */
import { throwIfAborted } from '../../errors.js';
import { segmentVolume } from '../../inference/segment.js';
import type { ModelPackage } from '../../models/package.js';
import { diceScore } from '../../common/metrics/dice.js';
import type { TrainPlan } from '../../common/train-plan/schema.js';
import type { Device } from '../../onnx/session-factory.js';
import { mapCaseLabel } from '../plan/classes.js';
import type { ClassContext, TrainCase } from './stage-data.js';

export interface Score {
  readonly model: string;
  readonly dice: number;
  readonly perCase: Record<string, number>;
}

/** Prediction value of each plan class in the package's labels (by name), or null when the package lacks it. */
function predictionValues(plan: Pick<TrainPlan, 'classes'>, pkg: ModelPackage): Map<number, number | null> {
  const byName = new Map(Object.entries(pkg.card.labels).map(([v, n]) => [n.toLowerCase(), Number(v)]));
  return new Map(Object.entries(plan.classes).map(([v, n]) => [Number(v), byName.get(n.toLowerCase()) ?? null]));
}

export interface CompareOptions {
  readonly device: Device;
  readonly signal?: AbortSignal;
  readonly onCase?: (model: string, caseId: string, done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

/** Mean over cases of the mean Dice over the plan's classes, each case segmented from its stored image. */
export async function scoreOnCases(
  model: string,
  pkg: ModelPackage,
  cases: readonly TrainCase[],
  classes: ClassContext & { plan: Pick<TrainPlan, 'classes'> },
  o: CompareOptions,
): Promise<Score> {
  const values = predictionValues(classes.plan, pkg);
  const perCase: Record<string, number> = {};
  for (const [i, c] of cases.entries()) {
    throwIfAborted(o.signal, 'training');
    const image = await c.readImage();
    const truth = mapCaseLabel(c.id, (await c.readLabel()).data, classes.mapping, classes.plan, classes.names);
    const pred = (await segmentVolume(image, pkg, { device: o.device, signal: o.signal, log: o.log, offThread: true })).labels.data;
    let sum = 0;
    for (const [cls, predValue] of values) {
      if (predValue === null) continue; // a class the model does not know scores 0
      const p = predValue === cls ? pred : Uint8Array.from(pred, (v) => (v === predValue ? cls : 0));
      sum += diceScore(p, truth, cls);
    }
    perCase[c.id] = sum / values.size;
    o.onCase?.(model, c.id, i + 1, cases.length);
  }
  const all = Object.values(perCase);
  return { model, dice: all.reduce((a, b) => a + b, 0) / Math.max(1, all.length), perCase };
}
