/**
 * The plan a model package was made with: `training.json`'s `plan` (every package Lobule writes records it), or,
 * for packages written before plans existed (the bundled liver model), the plan rebuilt from that record's
 * run configuration, network spec and the card (nothing is guessed: each field has its recorded source).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LobuleError } from '../../errors.js';
import type { ModelCard } from '../../models/card.js';
import { SCHEDULE_DEFAULTS, STUDY_PLAN, OPTIMIZER_DEFAULTS } from '../../common/train-plan/defaults.js';
import { TrainPlanSchema, planIssues, type Schedule, type TrainPlan } from '../../common/train-plan/schema.js';
import type { ModelSpec } from '../spec.js';

export const TRAINING_RECORD_FILE = 'training.json';

type Triple = [number, number, number];
const triple = (v: unknown, fallback: Triple): Triple =>
  typeof v === 'number' ? [v, v, v] : Array.isArray(v) && v.length === 3 ? (v as Triple) : fallback;

/** The run configuration Lobule recorded before plans (schemaVersion 1 of `config` in training.json). */
interface LegacyConfig {
  stage?: TrainPlan['stage'];
  epochs?: number;
  stepsPerEpoch?: number;
  patch?: number | Triple;
  batch?: number;
  lr?: number;
  optimizer?: 'novograd' | 'adam' | 'sgd';
  weightDecay?: number;
  schedule?: { kind: 'cosine-restarts'; t0?: number; tMult?: number; minLr?: number } | { kind: 'poly'; power?: number };
  loss?: 'dice' | 'dice-ce';
  diceOverBatch?: boolean;
  valEvery?: number;
  patience?: number;
  seed?: number;
  samplesPerVolume?: number;
  posNegRatio?: [number, number];
  labelMap?: string;
  preprocess?: { spacing?: Triple; clip?: [number, number] };
  augment?: Partial<TrainPlan['augment']>;
  coarse?: { resizeTo?: number | Triple; margin?: number; patch?: number | Triple };
  overlap?: number;
  threshold?: number;
  checkpointEvery?: number;
}

function legacySchedule(s: LegacyConfig['schedule']): Schedule {
  if (!s) return STUDY_PLAN.schedule;
  if (s.kind === 'poly') return { kind: 'poly', power: s.power ?? SCHEDULE_DEFAULTS.poly.power };
  const d = SCHEDULE_DEFAULTS.cosine_restarts;
  return { kind: 'cosine_restarts', t0: s.t0 ?? d.t0, tMult: s.tMult ?? d.tMult, etaMin: s.minLr ?? d.etaMin };
}

/** A plan from a pre-plan record: its config and spec, the card's classes and post-processing. */
export function planFromLegacyRecord(config: LegacyConfig, spec: ModelSpec, card: ModelCard): TrainPlan {
  const s = STUDY_PLAN;
  const kind = config.optimizer ?? s.optimizer.kind;
  const plan: TrainPlan = {
    ...s,
    description: `rebuilt from the run record of model ${card.name}`,
    network: spec,
    classes: { ...card.labels },
    labelMap: config.labelMap ?? null,
    preprocess: {
      spacing: config.preprocess?.spacing ?? card.preprocessing.targetSpacing,
      clip: config.preprocess?.clip ?? card.preprocessing.intensity.clip,
    },
    sampling: {
      patch: triple(config.patch, card.preprocessing.patchSize),
      batch: config.batch ?? s.sampling.batch,
      samplesPerVolume: config.samplesPerVolume ?? s.sampling.samplesPerVolume,
      posNegRatio: config.posNegRatio ?? s.sampling.posNegRatio,
    },
    // Augmentations added after the record was written stay as the study plan has them (off).
    augment: { ...s.augment, ...config.augment },
    optimizer: { kind, lr: config.lr ?? s.optimizer.lr, weightDecay: config.weightDecay ?? 0, ...OPTIMIZER_DEFAULTS[kind] },
    schedule: legacySchedule(config.schedule),
    loss: { kind: config.loss === 'dice-ce' ? 'dice_ce' : 'dice', overBatch: config.diceOverBatch ?? false },
    inference: {
      threshold: card.output.threshold,
      overlap: card.preprocessing.overlap,
      largestComponent: card.postprocessing.largestComponent,
      fillHoles: card.postprocessing.fillHoles,
    },
    stage: config.stage ?? 'fine',
    coarse: {
      resizeTo: triple(config.coarse?.resizeTo, s.coarse.resizeTo),
      spacing: null,
      margin: config.coarse?.margin ?? s.coarse.margin,
      patch: config.coarse?.patch === undefined ? null : triple(config.coarse.patch, s.coarse.resizeTo),
      overlap: null,
      from: null,
    },
    budget: { epochs: config.epochs ?? s.budget.epochs, stepsPerEpoch: config.stepsPerEpoch ?? s.budget.stepsPerEpoch, minutes: null },
    validation: {
      ...s.validation,
      everyEpochs: config.valEvery ?? s.validation.everyEpochs,
      patience: config.patience ?? s.validation.patience,
    },
    seeds: { ...s.seeds, train: config.seed ?? s.seeds.train },
    checkpointEvery: config.checkpointEvery ?? s.checkpointEvery,
  };
  const r = TrainPlanSchema.safeParse(plan);
  if (!r.success)
    throw new LobuleError(
      'E_CORRUPT',
      `the run record of model ${card.name} does not make a valid plan: ${planIssues(r.error)}`,
      'Fine-tune with --plan FILE to give the plan explicitly',
    );
  return r.data;
}

/** The recorded plan of the package in `dir` (card already read), or an error saying fine-tuning needs one. */
export async function planOfPackage(dir: string, card: ModelCard, spec: ModelSpec): Promise<TrainPlan> {
  let record: { plan?: unknown; config?: LegacyConfig } | null = null;
  try {
    record = JSON.parse(await readFile(join(dir, TRAINING_RECORD_FILE), 'utf8'));
  } catch {
    record = null;
  }
  if (record?.plan !== undefined) {
    const r = TrainPlanSchema.safeParse(record.plan);
    if (!r.success)
      throw new LobuleError(
        'E_CORRUPT',
        `the training plan recorded in ${join(dir, TRAINING_RECORD_FILE)} is invalid: ${planIssues(r.error)}`,
        'Fine-tune with --plan FILE to give the plan explicitly',
      );
    return r.data;
  }
  if (record?.config) return planFromLegacyRecord(record.config, spec, card);
  // A Lobule network without its run record: what the card and the spec say, the study's plan for the rest.
  return planFromLegacyRecord({}, spec, card);
}
