/**
 * The data shapes of the contract (engine/api/contract.ts): what methods take and return and what events
 * carry. Plain JSON-safe types with readonly fields and string-literal unions. Browser-safe, types only.
 */
import type { CaseId, CaseStatus, Device, JobId, JobKind, JobState, LabelSource, LabelVersionId, ModelId, SerializedError, Split, VoxelDType } from './contract.js';

// #region DTOs

export interface HostInfo {
  /** Which binding serves this renderer. */
  readonly host: 'electron' | 'serve';
  readonly version: string;
  readonly platform: string;
  /** Whether `dialogs.pick` works (only inside Electron; in a browser, type a server path instead). */
  readonly nativeDialogs: boolean;
}

export interface WorkspaceInfo {
  readonly name: string;
  /** Absolute folder of the workspace on the host machine (for display only). */
  readonly root: string;
  readonly caseCount: number;
  readonly activeModel: ModelId | null;
  /** The case the user last had open; the UI reopens it (else the first case). */
  readonly lastOpenCase: CaseId | null;
  readonly testSplitLocked: boolean;
}

export interface WorkspaceStatus {
  readonly caseCount: number;
  readonly byStatus: Readonly<Record<CaseStatus, number>>;
  readonly bySplit: Readonly<Record<Split, number>>;
  readonly testSplitLocked: boolean;
}

export interface CaseSummary {
  readonly id: CaseId;
  /** Human name (source file or series description). */
  readonly name: string;
  readonly status: CaseStatus;
  readonly split: Split;
  /** True when the case sits in a locked test split: it cannot move and training never reads it. */
  readonly locked: boolean;
  readonly labelVersionCount: number;
  readonly latestLabelVersion: LabelVersionId | null;
  /** Image grid size, when known without loading the voxels. */
  readonly dims: readonly [number, number, number] | null;
}

export interface LabelVersion {
  readonly id: LabelVersionId;
  readonly caseId: CaseId;
  readonly parent: LabelVersionId | null;
  readonly author: string;
  readonly source: LabelSource;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly sha256: string;
  /** Voxel count per label value ("1" → 123456). */
  readonly voxelCounts: Readonly<Record<string, number>>;
}

export interface ImportResult {
  readonly imported: readonly CaseId[];
  /** Inputs skipped with the reason (e.g. an image whose label geometry does not match). */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

export interface SplitSummary {
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly unassigned: number;
  readonly testLocked: boolean;
}

/** Everything a viewer needs to place the voxels returned by the binary endpoints. */
export interface VolumeMeta {
  readonly caseId: CaseId;
  readonly kind: 'image' | 'label';
  /** For labels: the version; for images: null. */
  readonly version: LabelVersionId | null;
  readonly dims: readonly [number, number, number];
  /** 4×4 row-major voxel → RAS+ mm, 16 numbers. */
  readonly affine: readonly number[];
  readonly dtype: VoxelDType;
  /** Voxel size in mm along i, j, k (column norms of the affine). */
  readonly spacing: readonly [number, number, number];
  /** Axis codes of i, j, k in RAS+ world, e.g. "RAS", "LPS". */
  readonly orientation: string;
  readonly min: number;
  readonly max: number;
  /** Bytes the binary endpoint returns: dims product × dtype size, little-endian, i fastest. */
  readonly byteLength: number;
}

export interface JournalInfo {
  readonly caseId: CaseId;
  /** The label version the unsaved edits started from (null: from an empty labelmap). */
  readonly baseVersion: LabelVersionId | null;
  /** ISO 8601 time of the last autosave. */
  readonly savedAt: string;
  readonly byteLength: number;
}

export interface ModelSummary {
  readonly id: ModelId;
  readonly name: string;
  readonly version: string;
  /** Label value → name, e.g. {"1": "liver"}. */
  readonly labels: Readonly<Record<string, string>>;
  readonly origin: 'bundled' | 'workspace';
  readonly active: boolean;
  readonly twoStage: boolean;
  /** Mean validation Dice from the card's provenance, when recorded. */
  readonly valDice: number | null;
  readonly createdAt: string | null;
}

export interface JobProgress {
  /** 0..1, never decreases within a job. */
  readonly fraction: number;
  /** What runs now, e.g. "load", "preprocess", "infer", "postprocess", "save", "epoch 3". */
  readonly stage: string;
}

export interface SegmentParams {
  readonly caseId: CaseId;
  /** Omitted: the workspace's active model, else the bundled one. */
  readonly modelId?: ModelId;
  readonly device?: Device;
}

export interface TrainParams {
  /** Fine-tune from this model; omitted: train from scratch. */
  readonly fromModel?: ModelId;
  readonly epochs?: number;
  readonly patch?: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly optimizer?: 'novograd' | 'adam' | 'sgd';
  readonly schedule?: 'cosine-restarts' | 'poly';
  readonly valEvery?: number;
  /** Steps per epoch (default: cases × 4 samples / batch). */
  readonly stepsPerEpoch?: number;
  /** Voxel spacing in mm the model works at (default 1.5 mm; a fine-tune keeps its model's). */
  readonly spacing?: readonly [number, number, number];
  readonly stage?: 'fine' | 'coarse' | 'both';
  readonly seed?: number;
  /** Name for the resulting model package. */
  readonly name?: string;
  readonly device?: Device;
}

export interface EvaluateParams {
  readonly modelId?: ModelId;
  readonly split: 'val' | 'test';
  readonly device?: Device;
}

export interface SegmentResult {
  readonly kind: 'segment';
  readonly caseId: CaseId;
  /** The new draft label version the model wrote. */
  readonly version: LabelVersion;
}

export interface TrainResult {
  readonly kind: 'train';
  readonly modelId: ModelId;
  readonly bestValDice: number | null;
  readonly runId: string;
}

export interface EvaluateResult {
  readonly kind: 'evaluate';
  readonly modelId: ModelId;
  readonly split: 'val' | 'test';
  readonly cases: readonly { readonly caseId: CaseId; readonly dice: Readonly<Record<string, number>> }[];
  /** Mean Dice per label over the cases. */
  readonly meanDice: Readonly<Record<string, number>>;
}

export type JobResult = SegmentResult | TrainResult | EvaluateResult;

export interface JobInfo {
  readonly id: JobId;
  readonly kind: JobKind;
  readonly state: JobState;
  /** The params the job was started with (validated). */
  readonly params: SegmentParams | TrainParams | EvaluateParams;
  readonly progress: JobProgress;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Set when state is 'succeeded'. */
  readonly result: JobResult | null;
  /** Set when state is 'failed' (or 'cancelled': E_CANCELLED). */
  readonly error: SerializedError | null;
}

/** One point of a training curve. */
export interface TrainMetric {
  readonly jobId: JobId;
  readonly step: number;
  readonly epoch: number;
  readonly loss?: number;
  readonly lr?: number;
  readonly valDice?: number;
}

// #endregion
