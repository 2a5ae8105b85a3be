/**
 * THE contract between the renderer and the engine host, shared by both bindings (Electron IPC and
 * `lobule serve` over HTTP). The renderer only ever holds one `LobuleApi` object; which binding sits behind
 * it is decided once at start-up (engine/api/http-client.ts or engine/api/ipc-client.ts).
 *
 * Layer rule: this folder is imported by the browser bundle, so nothing here may import `node:*`, electron,
 * or any engine module that does. Types only, plus the method table that both bindings walk.
 *
 * Shape (VS Code's common/native.ts pattern): every method takes ONE params object (or none) and returns a
 * Promise; DTOs have readonly fields and string-literal unions; events are a typed `EventMap`. Failures
 * reject with `ApiError`, which carries the `SerializedError` of engine/errors.ts (`code`, `message`, `hint`).
 *
 * Binary data never travels as JSON arrays: volume and journal bytes are read through binary endpoints
 * (HTTP `GET /api/bin/...`, Electron `lobule://app/bin/...`), and labelmap uploads are raw request bodies
 * (HTTP `POST /api/call/...`, Electron `POST lobule://app/upload/...`).
 */
import type { ErrorCode, SerializedError } from '../errors.js';
import type {
  CaseSummary,
  EvaluateParams,
  RankParams,
  HostInfo,
  ImportParams,
  ImportResult,
  JobInfo,
  JobProgress,
  JournalInfo,
  LabelVersion,
  ModelSummary,
  SegmentParams,
  SplitSummary,
  TrainMetric,
  TrainParams,
  VolumeMeta,
  WorkspaceInfo,
  WorkspaceStatus,
  LabelComparison,
  LabelExportSummary,
  LabelUsage,
  NamedLabel,
  ProposalInfo,
  ProbabilityMapInfo,
  RecentWorkspaces,
  TrashEntry,
} from './dtos.js';
import type { LabelExportFormat } from '../common/label-export-formats.js';

import type { TrainPlan } from '../common/train-plan/schema.js';

export type { ErrorCode, SerializedError, TrainPlan };
/** The data shapes (DTOs) live in dtos.ts; importers of the contract get them from here too. */
export type * from './dtos.js';

// #region ids and enums

/**
 * Ids name things inside the workspace; they are never paths. Hosts refuse (E_INVALID_ARGUMENT / HTTP 400)
 * anything outside `ID_PATTERN` (no `/`, `\`, leading dot, `..`).
 */
export const ID_PATTERN = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,127}$/;

export type CaseId = string;
export type LabelVersionId = string;
export type ModelId = string;
export type JobId = string;

export type CaseStatus = 'unlabelled' | 'draft' | 'corrected' | 'verified';
export type Split = 'train' | 'val' | 'test' | 'unassigned';
export type JobKind = 'segment' | 'train' | 'evaluate' | 'rank' | 'import';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type Device = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
export type ImportLayout = 'auto' | 'files' | 'msd' | 'nnunet';
/** What a native dialog is for: which kind of path it returns. */
export type PickPurpose = 'import-files' | 'import-folder' | 'import-model' | 'export-model' | 'open-workspace';
export type VoxelDType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
/** `manual`, `import`, or `model:<id>@<version>`. */
export type LabelSource = string;

// #endregion

// #region methods

/** Params for methods that take none. */
export type NoParams = Readonly<Record<string, never>>;

/**
 * The method table: wire name → params and result. Both bindings and both client proxies are generated
 * from it (METHOD_NAMES is the key list of schemas.ts's PARAM_SCHEMAS, whose `satisfies` clause makes the
 * compiler refuse a method without a schema), so a method cannot exist on one side only. Binary transfer is declared in `BINARY_READS` and
 * `BINARY_UPLOADS` below.
 */
export interface MethodMap {
  /** Which host serves the renderer. */
  'host.info': { params: NoParams; result: HostInfo };
  /** Native open/save dialog (Electron only; E_UNSUPPORTED over HTTP). The chosen paths may then be imported. */
  'dialogs.pick': { params: { readonly purpose: PickPurpose }; result: { readonly paths: readonly string[] } };

  /**
   * Switches the host to the workspace in a folder on the host machine (created when the folder holds none).
   * Running jobs are cancelled first; the previous workspace is closed. Electron: the folder must come from
   * dialogs.pick({purpose: 'open-workspace'}).
   */
  'workspace.open': { params: { readonly path: string }; result: WorkspaceInfo };
  'workspace.info': { params: NoParams; result: WorkspaceInfo };
  'workspace.status': { params: NoParams; result: WorkspaceStatus };
  'workspace.cases': { params: NoParams; result: readonly CaseSummary[] };
  /** Imports files/folders on the host machine (NIfTI, NRRD, DICOM folders, MSD or nnU-Net datasets). */
  'workspace.importPaths': {
    params: ImportParams;
    /** Runs as an import job (jobs.import) and waits for its report; the job's progress events fire meanwhile. */
    result: ImportResult;
  };
  /** Seeded ratio split; the test share can be locked. */
  'workspace.makeSplit': {
    params: { readonly val: number; readonly test: number; readonly seed: number; readonly lockTest?: boolean };
    result: SplitSummary;
  };
  /** Moves cases by hand (locked test cases refuse with E_LOCKED). */
  'workspace.setSplit': { params: { readonly caseIds: readonly CaseId[]; readonly split: Split }; result: SplitSummary };
  /** Sets a case's status; 'verified' is the Verify button. */
  'workspace.setStatus': { params: { readonly caseId: CaseId; readonly status: CaseStatus }; result: CaseSummary };
  /** Remembers the case the user has open, so the next start reopens it. */
  'workspace.setLastOpenCase': { params: { readonly caseId: CaseId }; result: null };
  /** The open workspace and the ones opened before (newest first). */
  'workspace.recent': { params: NoParams; result: RecentWorkspaces };
  /** The workspace's labels (segments) in value order. */
  'workspace.labels': { params: NoParams; result: readonly NamedLabel[] };
  'workspace.addLabel': { params: { readonly name: string; readonly color?: string }; result: NamedLabel };
  /** Renames and/or recolours a label workspace-wide. */
  'workspace.updateLabel': { params: { readonly value: number; readonly name?: string; readonly color?: string }; result: NamedLabel };
  'workspace.labelUsage': { params: { readonly value: number }; result: LabelUsage };
  /** Forgets a label name; one with voxels needs confirmVoxels = its voxel count (the UI asked). */
  'workspace.removeLabel': { params: { readonly value: number; readonly confirmVoxels?: number }; result: LabelUsage };
  /** Gives a case a display name (its id stays). */
  'workspace.renameCase': { params: { readonly caseId: CaseId; readonly name: string }; result: CaseSummary };
  /** Moves a case to the trash; a locked test case needs unlockTest (the UI asked). */
  'workspace.deleteCase': { params: { readonly caseId: CaseId; readonly unlockTest?: boolean }; result: null };
  'workspace.restoreCase': { params: { readonly caseId: CaseId }; result: CaseSummary };
  'workspace.trash': { params: NoParams; result: readonly TrashEntry[] };
  /** Deletes the trashed cases' files for good. */
  'workspace.emptyTrash': { params: NoParams; result: { readonly deleted: readonly CaseId[] } };

  'volumes.imageMeta': { params: { readonly caseId: CaseId }; result: VolumeMeta };
  /** Omitted version: the latest. E_NOT_FOUND when the case has no label. */
  'volumes.labelMeta': { params: { readonly caseId: CaseId; readonly version?: LabelVersionId }; result: VolumeMeta };
  /** Binary: the image voxels (see VolumeMeta.byteLength, dtype). */
  'volumes.imageBytes': { params: { readonly caseId: CaseId }; result: ArrayBuffer };
  /** Binary: the label voxels, uint8. */
  'volumes.labelBytes': { params: { readonly caseId: CaseId; readonly version?: LabelVersionId }; result: ArrayBuffer };

  'labels.history': { params: { readonly caseId: CaseId }; result: readonly LabelVersion[] };
  /**
   * Saves a new immutable label version from uint8 labelmap bytes on the image grid (i fastest); clears the
   * case's autosave journal.
   */
  'labels.save': {
    params: { readonly caseId: CaseId; readonly parent: LabelVersionId | null; readonly data: Uint8Array; readonly source?: LabelSource };
    result: LabelVersion;
  };
  /** Autosave of unsaved edits (overwrites the case's previous journal). */
  'labels.writeJournal': {
    params: { readonly caseId: CaseId; readonly baseVersion: LabelVersionId | null; readonly data: Uint8Array };
    result: JournalInfo;
  };
  /** Null when the case has no journal (nothing to recover). */
  'labels.journalInfo': { params: { readonly caseId: CaseId }; result: JournalInfo | null };
  /** Binary: the journal's labelmap bytes (recover). */
  'labels.journalBytes': { params: { readonly caseId: CaseId }; result: ArrayBuffer };
  'labels.clearJournal': { params: { readonly caseId: CaseId }; result: null };
  /** Voxels added / removed per label from `before` to `after`, and their Dice. */
  'labels.compare': {
    params: { readonly caseId: CaseId; readonly before: LabelVersionId; readonly after: LabelVersionId };
    result: LabelComparison;
  };
  /** A new version copying `version` (nothing is deleted); `unchanged` when the latest already holds it. */
  'labels.revert': { params: { readonly caseId: CaseId; readonly version: LabelVersionId }; result: LabelVersion };
  /** The case's auto-segment proposal, or null. */
  'labels.proposal': { params: { readonly caseId: CaseId }; result: ProposalInfo | null };
  /** Binary: the proposal's labelmap bytes. */
  'labels.proposalBytes': { params: { readonly caseId: CaseId }; result: ArrayBuffer };
  /** The proposal becomes a label version (source model:<id>@<version>, parent the latest; status draft). */
  'labels.acceptProposal': { params: { readonly caseId: CaseId }; result: LabelVersion };
  'labels.discardProposal': { params: { readonly caseId: CaseId }; result: null };
  /** The probabilities of the case's last auto-segment, or null (none run, or the model found nothing). */
  'labels.probabilities': { params: { readonly caseId: CaseId }; result: ProbabilityMapInfo | null };
  /** Binary: the maps of labels.probabilities, one box-sized uint8 map per value, i fastest. */
  'labels.probabilityBytes': { params: { readonly caseId: CaseId }; result: ArrayBuffer };
  /** Adds a label file on the host (NIfTI, NRRD, DICOM SEG) as a new version of a case. */
  'labels.importFile': { params: { readonly caseId: CaseId; readonly path: string }; result: LabelVersion };
  /** Writes a label version (default the latest) to a path on the host: DICOM SEG, .seg.nrrd, NIfTI, STL/OBJ meshes or CSV. */
  'labels.export': {
    params: {
      readonly caseId: CaseId;
      readonly format: LabelExportFormat;
      readonly path: string;
      readonly version?: LabelVersionId;
      readonly space?: 'RAS' | 'LPS';
      readonly smoothing?: number;
    };
    result: LabelExportSummary;
  };

  'models.list': { params: NoParams; result: readonly ModelSummary[] };
  /** Imports a model package folder (model.onnx + lobule-model.json) from the host machine. */
  'models.import': { params: { readonly path: string }; result: ModelSummary };
  /** Copies a model package to a folder on the host machine. */
  'models.export': { params: { readonly modelId: ModelId; readonly path: string }; result: null };
  /**
   * Makes a model the one jobs use. A model that scored below the active one on the same val cases needs
   * `confirmWorse: true` (else E_INVALID_ARGUMENT naming both Dice values).
   */
  'models.setActive': { params: { readonly modelId: ModelId; readonly confirmWorse?: boolean }; result: ModelSummary };
  /** The plan a fine-tune of this model would run before any override (omitted: the study's plan, from scratch). */
  'models.trainPlan': { params: { readonly fromModel?: ModelId }; result: TrainPlan };

  /** Queues a segmentation; its result is a proposal (labels.proposal), never a version. One after another. */
  'jobs.segment': { params: SegmentParams; result: JobInfo };
  /** Starts a training run; E_LOCKED while another training job is queued or running. */
  'jobs.train': { params: TrainParams; result: JobInfo };
  /**
   * Segments every case of a split that has a manual or imported label and reports Dice per case against the
   * latest such label (model drafts are never the reference).
   */
  'jobs.evaluate': { params: EvaluateParams; result: JobInfo };
  /** Scores the unlabelled and draft cases the model has not scored yet; the result ranks them all. */
  'jobs.rank': { params: RankParams; result: JobInfo };
  /**
   * Imports in a job, one chosen path after another (progress: paths done / total and the current name). All or
   * nothing: the cases land in one manifest commit at the end, so a cancelled or failed import adds no case.
   * Its result is the import report (ImportJobResult). Reads and other writes go on meanwhile.
   */
  'jobs.import': { params: ImportParams; result: JobInfo };
  /** The self-contained HTML page of an evaluation report (EvaluateResult.reportId). */
  'reports.html': { params: { readonly reportId: string }; result: { readonly html: string; readonly path: string } };
  'jobs.list': { params: NoParams; result: readonly JobInfo[] };
  'jobs.get': { params: { readonly jobId: JobId }; result: JobInfo };
  /** Cancels a queued or running job; the job ends 'cancelled' and leaves no partial files. */
  'jobs.cancel': { params: { readonly jobId: JobId }; result: JobInfo };
}

export type MethodName = keyof MethodMap;
export type Params<M extends MethodName> = MethodMap[M]['params'];
export type Result<M extends MethodName> = MethodMap[M]['result'];

/** Methods whose result is raw bytes (HTTP `GET /api/bin/<path>`, Electron `lobule://app/bin/<path>`). */
export const BINARY_READS = [
  'volumes.imageBytes',
  'volumes.labelBytes',
  'labels.journalBytes',
  'labels.proposalBytes',
  'labels.probabilityBytes',
] as const;
export type BinaryReadMethod = (typeof BINARY_READS)[number];

/**
 * Methods with one `data: Uint8Array` param, sent as a raw request body (HTTP `POST /api/call/<method>`,
 * Electron `POST lobule://app/upload/<method>`: IPC messages have a size ceiling that big labelmaps pass),
 * with the other params as JSON in the `BINARY_PARAMS_HEADER` header.
 */
export const BINARY_UPLOADS = ['labels.save', 'labels.writeJournal'] as const;
export type BinaryUploadMethod = (typeof BINARY_UPLOADS)[number];
/** Header carrying the non-binary params of a binary upload, as URI-encoded JSON. */
export const BINARY_PARAMS_HEADER = 'x-lobule-params';

/**
 * The URL path (below the binding's binary base) of a binary read. Ids were validated against ID_PATTERN,
 * and are URI-encoded anyway.
 */
export function binaryReadPath(method: BinaryReadMethod, params: { readonly caseId: CaseId; readonly version?: LabelVersionId }): string {
  const c = encodeURIComponent(params.caseId);
  switch (method) {
    case 'volumes.imageBytes':
      return `volumes/${c}/image`;
    case 'volumes.labelBytes':
      return `volumes/${c}/label/${encodeURIComponent(params.version ?? 'latest')}`;
    case 'labels.journalBytes':
      return `journal/${c}`;
    case 'labels.proposalBytes':
      return `proposal/${c}`;
    case 'labels.probabilityBytes':
      return `probabilities/${c}`;
  }
}

/**
 * The inverse of binaryReadPath, for the hosts: null when the path names no binary read. The ids it returns
 * are NOT yet validated (the host validates them like any params, and refuses `..` or absolute ids).
 */
export function parseBinaryReadPath(path: string): { method: BinaryReadMethod; params: { caseId: string; version?: string } } | null {
  const parts = path.split('/');
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  if (parts.length === 3 && parts[0] === 'volumes' && parts[2] === 'image')
    return { method: 'volumes.imageBytes', params: { caseId: decoded[1] } };
  if (parts.length === 4 && parts[0] === 'volumes' && parts[2] === 'label') {
    return {
      method: 'volumes.labelBytes',
      params: decoded[3] === 'latest' ? { caseId: decoded[1] } : { caseId: decoded[1], version: decoded[3] },
    };
  }
  if (parts.length === 2 && parts[0] === 'journal') return { method: 'labels.journalBytes', params: { caseId: decoded[1] } };
  if (parts.length === 2 && parts[0] === 'proposal') return { method: 'labels.proposalBytes', params: { caseId: decoded[1] } };
  if (parts.length === 2 && parts[0] === 'probabilities') return { method: 'labels.probabilityBytes', params: { caseId: decoded[1] } };
  return null;
}

// #endregion

// #region events

/** Every event the host pushes to the renderer, by name. */
export interface EventMap {
  /** A job changed state (queued → running → succeeded | failed | cancelled). */
  'jobs.didChangeState': JobInfo;
  /** A job advanced; fraction never decreases within a job. */
  'jobs.didProgress': { readonly jobId: JobId; readonly kind: JobKind; readonly progress: JobProgress };
  /** A training step or validation finished (curve points). */
  'jobs.didReportMetric': TrainMetric;
  /** Cases, labels, splits or models changed on the host, or another workspace was opened (re-read what you show). */
  'workspace.didChange': {
    readonly what: 'workspace' | 'cases' | 'labels' | 'split' | 'status' | 'models';
    readonly caseIds?: readonly CaseId[];
  };
}
export type EventName = keyof EventMap;
/** Every event name once; the mapped type makes the compiler refuse a missing or unknown name. */
const EVENT_TABLE: { readonly [E in EventName]: true } = {
  'jobs.didChangeState': true,
  'jobs.didProgress': true,
  'jobs.didReportMetric': true,
  'workspace.didChange': true,
};
export const EVENT_NAMES = Object.keys(EVENT_TABLE) as readonly EventName[];

export interface Disposable {
  dispose(): void;
}

// #endregion

// #region the client-facing API object

type Call<M extends MethodName> = Params<M> extends NoParams ? () => Promise<Result<M>> : (params: Params<M>) => Promise<Result<M>>;

/** The methods of one namespace ("workspace") as `api.workspace.cases()` etc. */
export type Namespace<N extends string> = {
  readonly [M in MethodName as M extends `${N}.${infer Short}` ? Short : never]: Call<M>;
};

/**
 * What the renderer holds: `api.workspace.cases()`, `api.jobs.segment({caseId})`,
 * `api.on('jobs.didProgress', e => ...)`. Rejections are `ApiError`s.
 */
export interface LobuleApi {
  readonly host: Namespace<'host'>;
  readonly dialogs: Namespace<'dialogs'>;
  readonly workspace: Namespace<'workspace'>;
  readonly volumes: Namespace<'volumes'>;
  readonly labels: Namespace<'labels'>;
  readonly models: Namespace<'models'>;
  readonly jobs: Namespace<'jobs'>;
  readonly reports: Namespace<'reports'>;
  /** Subscribes to a host event; dispose() unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): Disposable;
  /** Closes the event stream (HTTP) or detaches listeners (IPC). */
  close(): void;
}

/** How every client proxy reports a failed call: the host's SerializedError, as an Error. */
export class ApiError extends Error implements SerializedError {
  override readonly name = 'LobuleError';
  readonly code: ErrorCode;
  readonly hint?: string;
  constructor(readonly serialized: SerializedError) {
    super(serialized.message);
    this.code = serialized.code;
    this.hint = serialized.hint;
  }
}

/** Electron IPC channel of a method: every channel carries the `lobule:` prefix. */
export const ipcChannel = (method: MethodName): string => `lobule:${method}`;
/** Electron IPC channel on which the host pushes events ({event, payload}). */
export const IPC_EVENT_CHANNEL = 'lobule:event';

/** What an IPC handler answers: never a thrown error across the boundary, always one of these. */
export type IpcReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };

// #endregion
