/**
 * The model card a training run writes: the preprocessing its data pipeline applied (so `segment` repeats it
 * exactly), the output activation of its spec, the coarse stage when it trained one, and provenance (data and
 * hashes, hyper-parameters, per-case validation Dice, time, command) in the card's provenance block. The full
 * record (the resolved plan, hashes, device, the selection comparison) goes beside the card as `training.json`.
 */
import type { ModelCard, ModelCardInput } from '../../models/card.js';
import { parseModelCard } from '../../models/card.js';
import type { ModelSpec } from '../spec.js';
import type { TrainPlan } from '../../common/train-plan/schema.js';

export const COARSE_ONNX_FILE = 'coarse.onnx';
export { TRAINING_RECORD_FILE } from '../plan/of-package.js';

export interface CardProvenance {
  readonly data: string;
  readonly metrics: Record<string, number>;
  /** Role-named figures (engine/common/metrics/roles.ts), e.g. the selection Dice with its cases. */
  readonly evaluations?: NonNullable<ModelCardInput['provenance']>['evaluations'];
  readonly command: string;
  readonly date: string;
  readonly notes?: string;
}

export interface CardOptions {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly twoStage: boolean;
  /** The coarse network's output activation when it is not this run's network (plan.coarse.from). */
  readonly coarseActivation?: ModelSpec['outputActivation'];
  readonly provenance?: CardProvenance;
}

/** The card for a run's plan; validated, so a bad combination fails before any training. */
export function buildCard(plan: TrainPlan, spec: ModelSpec, o: CardOptions): ModelCard {
  const patch = plan.sampling.patch;
  const input: ModelCardInput = {
    name: o.name,
    version: o.version,
    description: o.description,
    labels: { ...plan.classes },
    inputChannels: 1,
    preprocessing: {
      targetSpacing: [...plan.preprocess.spacing],
      orientation: 'RAS',
      intensity: { clip: [...plan.preprocess.clip], scale: 'minmax01' },
      patchSize: [patch[0], patch[1], patch[2]],
      overlap: plan.inference.overlap,
      gaussian: true,
    },
    output: { activation: spec.outputActivation, threshold: plan.inference.threshold },
    postprocessing: { largestComponent: plan.inference.largestComponent, fillHoles: plan.inference.fillHoles },
    coarse: o.twoStage
      ? {
          model: COARSE_ONNX_FILE,
          ...(plan.coarse.spacing
            ? { spacing: [...plan.coarse.spacing], patch: plan.coarse.patch ? [...plan.coarse.patch] : undefined }
            : { resizeTo: [...plan.coarse.resizeTo] }),
          margin: plan.coarse.margin,
          ...(plan.coarse.overlap === null ? {} : { overlap: plan.coarse.overlap }),
          activation: o.coarseActivation ?? spec.outputActivation,
          threshold: plan.inference.threshold,
        }
      : undefined,
    provenance: o.provenance
      ? {
          data: o.provenance.data,
          metrics: o.provenance.metrics,
          evaluations: o.provenance.evaluations,
          trainingCommand: o.provenance.command,
          date: o.provenance.date,
          framework: 'Lobule training engine (U-Net compiled to ONNX training graphs, run by ONNX Runtime)',
          notes: o.provenance.notes,
        }
      : {},
  };
  return parseModelCard(input, `model card of ${o.name}`);
}
