/**
 * The data shapes of the contract (engine/api/contract.ts): what methods take and return and what events
 * carry. Plain JSON-safe types with readonly fields and string-literal unions. Browser-safe, types only.
 */
import type { PlanOverride } from '../common/train-plan/schema.js';
import type { RoleMetric } from '../common/metrics/roles.js';
import type { LabelExportFormat } from '../common/label-export-formats.js';
import type { DisplayWindow } from '../common/display-window.js';
import type { UploadedPaths } from './upload-wire.js';
import type {
  CaseId,
  CaseStatus,
  Device,
  ImportLayout,
  JobId,
  JobKind,
  JobState,
  LabelSource,
  LabelVersionId,
  ModelId,
  SerializedError,
  Split,
  VoxelDType,
} from './contract.js';

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
  /** The case the user last had open. */
  readonly lastOpenCase: CaseId | null;
  /**
   * The case the UI opens with this workspace: the last open one, else the first case; null when there are none.
   * The host decides it so that it can start reading that case while the page boots.
   */
  readonly reopenCase: CaseId | null;
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
  /** Label values with voxels in the latest version, ascending, background excluded (the dataset list names them). */
  readonly labelValues: readonly number[];
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
  /** Volume per label value in mL ("1" → 1520.4), from the counts and the image's voxel size. */
  readonly volumesMl: Readonly<Record<string, number>>;
  /** Source `revert`: the version whose voxels this one copies. */
  readonly revertOf?: LabelVersionId;
  /** On what a save, revert or accept returns: true when nothing was written (the voxels equal the parent's). */
  readonly unchanged?: boolean;
}

/** Two label versions of a case compared: per label value ("1"), voxels added and removed and their Dice. */
export interface LabelComparison {
  readonly caseId: CaseId;
  readonly before: LabelVersionId;
  readonly after: LabelVersionId;
  readonly changedVoxels: number;
  readonly labels: Readonly<
    Record<
      string,
      { readonly before: number; readonly after: number; readonly added: number; readonly removed: number; readonly dice: number }
    >
  >;
}

/** What labels.export wrote (engine/export/export-labels.ts). */
export interface LabelExportSummary {
  readonly caseId: CaseId;
  readonly version: LabelVersionId;
  readonly format: LabelExportFormat;
  readonly files: readonly string[];
  readonly segments: readonly {
    readonly value: number;
    readonly name: string;
    readonly voxels: number;
    readonly volumeMl: number;
    readonly meshVolumeMl?: number;
  }[];
  /** Tumour mL / (liver mL + tumour mL), or null unless the version has both. */
  readonly tumourBurden: number | null;
  readonly notes: readonly string[];
}

/** What auto-segment proposed for a case: not a version until accepted. */
export interface ProposalInfo {
  readonly caseId: CaseId;
  /** `model:<id>@<version>`, the source the accepted version will record. */
  readonly source: LabelSource;
  readonly createdAt: string;
  /** The latest version when the model ran. */
  readonly baseVersion: LabelVersionId | null;
  readonly voxelCounts: Readonly<Record<string, number>>;
}

/** The probabilities of a case's last auto-segment (they outlive Accept), for the Segment editor's local AI correction. */
export interface ProbabilityMapInfo {
  readonly caseId: CaseId;
  readonly source: LabelSource;
  readonly createdAt: string;
  /** The case grid; the maps cover `box` (inclusive voxel indices) and are below 1/255 outside it. */
  readonly dims: readonly [number, number, number];
  readonly box: { readonly min: readonly [number, number, number]; readonly max: readonly [number, number, number] };
  /** Label value of each map, in the order labels.probabilityBytes returns them. */
  readonly values: readonly number[];
  /** The model's decision threshold (a probability): there the maps give the model's labels. */
  readonly threshold: number;
  /** Stored byte = round(p × scale). */
  readonly scale: 255;
}

export type { LabelUsage, NamedLabel } from '../common/named-label.js';

export interface TrashEntry {
  readonly caseId: CaseId;
  readonly name: string;
  readonly deletedAt: string;
  readonly labelVersionCount: number;
}

/** Workspaces this host has opened, newest first, for the workspace picker. */
export interface RecentWorkspaces {
  /** The open workspace's folder. */
  readonly current: string;
  /** True when nobody chose it: the host created it as the default on this start (the app asks to keep it). */
  readonly createdByDefault: boolean;
  readonly recent: readonly { readonly path: string; readonly name: string; readonly openedAt: string }[];
}

export interface ImportParams {
  readonly paths: readonly string[];
  readonly layout?: ImportLayout;
  readonly labelMap?: Readonly<Record<string, number>>;
  /** Import files that look like label maps as images (the user said so); default: hold them back. */
  readonly acceptLabelLikeImages?: boolean;
  /** Set by lobule serve's upload route: the paths are an upload's, so cases record what the user uploaded. */
  readonly upload?: UploadedPaths;
}

export interface ImportResult {
  readonly imported: readonly CaseId[];
  /** Inputs skipped with the reason (e.g. an image whose label geometry does not match). */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  /** Images held back because they look like label maps: the user chooses image (import again) or label. */
  readonly looksLikeLabel?: readonly { readonly path: string; readonly reason: string; readonly sameGridCases: readonly CaseId[] }[];
  /** Things the user should know (an image imported twice, label names kept or adopted). */
  readonly notices?: readonly string[];
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
  /** Images: the window the source asks for (DICOM WindowCenter/Width, first pair), the viewer's first W/L; else null. */
  readonly displayWindow: DisplayWindow | null;
  /** Saved label versions: voxels per value ("0".."255", values with voxels), recorded at save; else null. */
  readonly voxelCounts: Readonly<Record<string, number>> | null;
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
  /** The end-of-training comparison with the model that was active then (same val cases), when recorded. */
  readonly selection?: ModelSelection | null;
  /** The card's quality figures, each with its role and label source (show them with formatRoleMetric). */
  readonly figures?: readonly RoleMetric[];
}

/** A trained model's val Dice and the then-active model's, both through the segment pipeline on the same cases. */
export interface ModelSelection {
  readonly role: 'selection';
  readonly cases: readonly string[];
  readonly dice: number;
  readonly baseModel: ModelId | null;
  readonly baseDice: number | null;
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
  /** Fine-tune from this model (its plan is inherited); omitted: train from scratch with the study's plan. */
  readonly fromModel?: ModelId;
  /** Overrides of the inherited plan (engine/common/train-plan: the same fields as `lobule train`'s flags). */
  readonly plan?: PlanOverride;
  /** Train without val cases on purpose: no val Dice is claimed and nothing is compared. */
  readonly noVal?: boolean;
  /** Name for the resulting model package. */
  readonly name?: string;
  readonly device?: Device;
}

export interface EvaluateParams {
  readonly modelId?: ModelId;
  /** The test split is read only when named here. */
  readonly split: 'val' | 'test' | 'train';
  /** Only these cases (of that split). */
  readonly caseIds?: readonly CaseId[];
  readonly device?: Device;
  /** Tolerance of normalized surface Dice, mm (default 2). */
  readonly nsdToleranceMm?: number;
  /** Who made the reference labels: expert, unknown or model-generated:<tool> (default: from the workspace's record). */
  readonly labelSource?: string;
}

/** One case and label of an evaluation (engine/common/metrics; distances null when one mask is empty). */
export interface EvaluatedLabel {
  readonly label: string;
  readonly name: string;
  readonly dice: number;
  readonly iou: number;
  readonly hd95Mm: number | null;
  readonly assdMm: number | null;
  readonly nsd: number;
  readonly predictionMl: number;
  readonly referenceMl: number;
  readonly volumeDifferenceMl: number;
  readonly empty: 'none' | 'both' | 'prediction' | 'reference';
}

export interface EvaluatedCase {
  readonly caseId: CaseId;
  /** train / selection / heldOut: what the case was to the model (engine/common/metrics/roles.ts). */
  readonly role: 'train' | 'selection' | 'heldOut';
  readonly referenceVersion: LabelVersionId;
  readonly referenceSource: string;
  /** Dice per label value (also in `labels`). */
  readonly dice: Readonly<Record<string, number>>;
  readonly labels: readonly EvaluatedLabel[];
  /** Axial slice indices (along the image's world-z voxel axis) with the most disagreement, worst first. */
  readonly worstSlices: readonly number[];
  /** Which voxel axis `worstSlices` index (0, 1 or 2; 2 for axial acquisitions). */
  readonly sliceAxis: number;
}

export interface SegmentResult {
  readonly kind: 'segment';
  readonly caseId: CaseId;
  /** The model's labels, kept as a proposal: no version is written and no status changes until it is accepted. */
  readonly proposal: ProposalInfo;
}

export interface TrainResult {
  readonly kind: 'train';
  readonly modelId: ModelId;
  readonly bestValDice: number | null;
  readonly runId: string;
  /** The new model's val Dice beside the then-active model's (null: trained with noVal). */
  readonly selection?: ModelSelection | null;
  /** The execution provider training ran on. */
  readonly device?: string;
}

export interface EvaluateResult {
  readonly kind: 'evaluate';
  readonly modelId: ModelId;
  readonly split: 'val' | 'test' | 'train';
  readonly cases: readonly EvaluatedCase[];
  /** Mean Dice per label over the cases. */
  readonly meanDice: Readonly<Record<string, number>>;
  /** The most optimistic role among the cases: train before selection before heldOut. */
  readonly role: 'train' | 'selection' | 'heldOut';
  /** expert, unknown or model-generated:<tool>. */
  readonly labelSource: string;
  readonly nsdToleranceMm: number;
  /** The report folder under <workspace>/reports/ (reports.html reads its page). */
  readonly reportId: string;
}

/** Ranks the unlabelled and draft cases by the model's uncertainty (scores cached per model version). */
export interface RankParams {
  readonly modelId?: ModelId;
  readonly device?: Device;
}

export interface RankResult {
  readonly kind: 'rank';
  readonly modelId: ModelId;
  readonly modelVersion: string;
  /** What the score means (for a tooltip). */
  readonly meaning: string;
  /** Most useful to correct first. */
  readonly cases: readonly { readonly caseId: CaseId; readonly status: CaseStatus; readonly score: number }[];
}

/** The result of an import job: the same report workspace.importPaths answers. */
export interface ImportJobResult extends ImportResult {
  readonly kind: 'import';
}

export type JobResult = SegmentResult | TrainResult | EvaluateResult | RankResult | ImportJobResult;

export interface JobInfo {
  readonly id: JobId;
  readonly kind: JobKind;
  readonly state: JobState;
  /** The params the job was started with (validated). */
  readonly params: SegmentParams | TrainParams | EvaluateParams | RankParams | ImportParams;
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
