/** What a training run reports while it runs; hosts forward these as job progress, the CLI draws them. */
import type { Selection, StageName } from './run-state.js';

export interface TrainResult {
  readonly kind: 'train';
  readonly runId: string;
  /** Name of the written model package (its folder under the workspace's models/). */
  readonly modelId: string;
  readonly modelDir: string;
  /** Best mean val Dice of the final (fine, or only) stage at model resolution; null without val cases. */
  readonly bestValDice: number | null;
  readonly perCaseValDice: Readonly<Record<string, number>>;
  /** Candidate and previously active model through the full segment pipeline on the val cases (null: --no-val). */
  readonly selection: Selection | null;
  readonly steps: number;
  readonly seconds: number;
  readonly stoppedEarly: boolean;
  /** Why training ended: the step budget, the minutes budget, or early stopping. */
  readonly ended: 'steps' | 'minutes' | 'early-stop';
  /** The execution provider the training steps ran on. */
  readonly device: string;
}

export type TrainEvent =
  | {
      readonly type: 'start';
      readonly runId: string;
      readonly runDir: string;
      readonly resumed: boolean;
      readonly train: number;
      readonly val: number;
    }
  | { readonly type: 'device'; readonly device: string }
  | { readonly type: 'preprocess'; readonly caseId: string; readonly done: number; readonly total: number }
  | {
      readonly type: 'stage';
      readonly stage: StageName;
      readonly totalSteps: number;
      readonly stepsPerEpoch: number;
      readonly startStep: number;
      readonly secondsBudget: number | null;
    }
  | {
      readonly type: 'step';
      readonly stage: StageName;
      readonly step: number;
      readonly totalSteps: number;
      readonly epoch: number;
      readonly stepsPerEpoch: number;
      readonly loss: number;
      readonly lr: number;
      readonly stepsPerS: number;
      /** Seconds left in this stage: at the current speed, or to the minutes budget if that comes first. */
      readonly etaS: number;
    }
  | {
      readonly type: 'validation';
      readonly stage: StageName;
      readonly step: number;
      readonly epoch: number;
      readonly dice: Readonly<Record<string, number>>;
      readonly mean: number;
      readonly best: boolean;
    }
  | { readonly type: 'checkpoint'; readonly stage: StageName; readonly step: number; readonly path: string }
  | { readonly type: 'early-stop'; readonly stage: StageName; readonly epoch: number; readonly bestEpoch: number }
  | { readonly type: 'time-up'; readonly stage: StageName; readonly step: number; readonly minutes: number }
  | { readonly type: 'compare'; readonly model: string; readonly caseId: string; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result: TrainResult };

export type TrainEventHandler = (e: TrainEvent) => void;
