/** What a training run reports while it runs; hosts forward these as job progress, the CLI draws them. */
import type { StageName } from './run-state.js';

export interface TrainResult {
  readonly kind: 'train';
  readonly runId: string;
  /** Name of the written model package (its folder under the workspace's models/). */
  readonly modelId: string;
  readonly modelDir: string;
  /** Best mean val Dice of the final (fine, or only) stage; null without val cases. */
  readonly bestValDice: number | null;
  readonly perCaseValDice: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly seconds: number;
  readonly stoppedEarly: boolean;
}

export type TrainEvent =
  | { readonly type: 'start'; readonly runId: string; readonly runDir: string; readonly resumed: boolean; readonly train: number; readonly val: number }
  | { readonly type: 'preprocess'; readonly caseId: string; readonly done: number; readonly total: number }
  | { readonly type: 'stage'; readonly stage: StageName; readonly totalSteps: number; readonly stepsPerEpoch: number; readonly startStep: number }
  | {
      readonly type: 'step';
      readonly stage: StageName;
      readonly step: number;
      readonly totalSteps: number;
      readonly epoch: number;
      readonly loss: number;
      readonly lr: number;
      readonly stepsPerS: number;
      /** Seconds left in this stage at the current speed (validations not counted). */
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
  | { readonly type: 'done'; readonly result: TrainResult };

export type TrainEventHandler = (e: TrainEvent) => void;
