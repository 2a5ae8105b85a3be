/**
 * Messages between the host (host/jobs/runner.ts) and one job process (host/jobs/job-process.ts).
 * Sent over the child's IPC channel with `serialization: 'advanced'` (structured clone), so labelmaps travel
 * as Uint8Array, not JSON arrays.
 */
import type { JobKind, SerializedError } from '../../engine/api/contract.js';
import type { CaseSelection } from '../../engine/evaluation/select-cases.js';

/** What a job needs to know about where it runs; paths are resolved by the host, never taken from callers. */
export interface JobContext {
  readonly workspaceDir: string;
  /** Model folders to search, first match wins (workspace models/, then bundled). */
  readonly modelSearchDirs: readonly string[];
  /** The model package folder the host resolved from the params (or the active model); null: none needed. */
  readonly modelDir: string | null;
  /** Absolute image paths of the cases the job reads, resolved by the host from case ids. */
  readonly images: Readonly<Record<string, string>>;
  /** Absolute label paths (latest version) of the cases the job reads, where it needs them. */
  readonly labels: Readonly<Record<string, string>>;
  /** Case ids per split, for training/evaluation. */
  readonly splits: Readonly<Record<'train' | 'val' | 'test', readonly string[]>>;
  /** Evaluate jobs: the cases, their reference label files and splits (chosen by host/evaluation-hooks.ts). */
  readonly evaluation?: CaseSelection;
  /** Import jobs: the staging workspace they import into (host/import-staging.ts); the host commits from it. */
  readonly importStaging?: string;
}

export interface JobStart {
  readonly type: 'start';
  readonly jobId: string;
  readonly kind: JobKind;
  readonly params: unknown;
  readonly context: JobContext;
}

export type HostToJob = JobStart | { readonly type: 'cancel' };

export type JobToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly fraction: number; readonly stage: string }
  | {
      readonly type: 'metric';
      readonly step: number;
      readonly epoch: number;
      readonly loss?: number;
      readonly lr?: number;
      readonly valDice?: number;
    }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'result'; readonly value: unknown }
  | { readonly type: 'error'; readonly error: SerializedError };

/** The callbacks a job function receives inside the job process. */
export interface JobIO {
  readonly signal: AbortSignal;
  progress(fraction: number, stage: string): void;
  metric(m: { step: number; epoch: number; loss?: number; lr?: number; valDice?: number }): void;
  log(line: string): void;
}

export type JobFunction = (params: unknown, context: JobContext, io: JobIO) => Promise<unknown>;
