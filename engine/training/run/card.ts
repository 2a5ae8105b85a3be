/**
 * The model card a training run writes: the preprocessing its data pipeline applied (so `segment` repeats it
 * exactly), the output activation of its spec, the coarse stage when it trained one, and provenance (data and
 * hashes, hyper-parameters, per-case validation Dice, time, command) in the card's provenance block. The full
 * record (spec, config, hashes, history) goes beside the card as `training.json`.
 */
import type { ModelCard, ModelCardInput } from '../../models/card.js';
import { parseModelCard } from '../../models/card.js';
import type { ModelSpec } from '../spec.js';
import { size3, type TrainConfig } from '../data/config.js';

export const COARSE_ONNX_FILE = 'coarse.onnx';
export const TRAINING_RECORD_FILE = 'training.json';

export interface CardProvenance {
  readonly data: string;
  readonly metrics: Record<string, number>;
  readonly command: string;
  readonly date: string;
  readonly notes?: string;
}

export interface CardOptions {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Class value → name; default {"1": "liver"}. */
  readonly labels?: Record<string, string>;
  readonly twoStage: boolean;
  readonly provenance?: CardProvenance;
}

/** The card for a run's configuration; validated, so a bad combination fails before any training. */
export function buildCard(config: TrainConfig, spec: ModelSpec, o: CardOptions): ModelCard {
  const patch = size3(config.patch);
  const input: ModelCardInput = {
    name: o.name,
    version: o.version,
    description: o.description,
    labels: o.labels ?? { '1': 'liver' },
    inputChannels: 1,
    preprocessing: {
      targetSpacing: [...config.preprocess.spacing],
      orientation: 'RAS',
      intensity: { clip: [...config.preprocess.clip], scale: 'minmax01' },
      patchSize: [patch[0], patch[1], patch[2]],
      overlap: config.overlap,
      gaussian: true,
    },
    output: { activation: spec.outputActivation, threshold: config.threshold },
    postprocessing: { largestComponent: true, fillHoles: false },
    coarse: o.twoStage
      ? {
          model: COARSE_ONNX_FILE,
          resizeTo: [...size3(config.coarse.resizeTo)],
          margin: config.coarse.margin,
          activation: spec.outputActivation,
          threshold: config.threshold,
        }
      : undefined,
    provenance: o.provenance
      ? {
          data: o.provenance.data,
          metrics: o.provenance.metrics,
          trainingCommand: o.provenance.command,
          date: o.provenance.date,
          framework: 'Lobule training engine (U-Net compiled to ONNX training graphs, run by ONNX Runtime)',
          notes: o.provenance.notes,
        }
      : {},
  };
  return parseModelCard(input, `model card of ${o.name}`);
}
