/**
 * A Lobule workspace: a folder with `lobule.json` (the manifest), `images/`, `labels/<case>/<version>.nii.gz`,
 * `models/`, `runs/` and `journal/`. One writer at a time (lobule.lock); every change is one atomic manifest
 * commit, made after the files it refers to are durable, so a crash at any instant leaves the last committed state.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LobuleError } from '../errors.js';
import type { LabelVolume, Volume } from '../common/volume.js';
import { removeStaleTempFiles, writeFileAtomic } from '../io/atomic.js';
import { journalPath, readJournalFile, removeJournalFile, writeJournalFile, type JournalEntry, type JournalMeta } from './journal.js';

import { acquireLock, lockStillHeld, releaseLock, type HeldLock } from './lock.js';
import { removeOrphanFiles } from './recovery.js';
import {
  CASE_STATUSES,
  MANIFEST_FILE,
  SPLITS,
  commitManifest,
  emptyManifest,
  loadManifest,
  serializeManifest,
  type CaseRecord,
  type CaseStatus,
  type LabelVersion,
  type Manifest,
  type SplitName,
  type TrashedCase,
} from './manifest.js';
import { checkSource, findVersion, labelsOnCaseGrid, readLabelFile, writeLabelVersion, type SaveLabelOptions } from './labels.js';
import { diffLabelmaps, type LabelDiff } from '../common/label-diff.js';
import {
  addLabelName,
  labelUsage,
  namedLabels,
  recolorLabel,
  removeLabelName,
  renameLabelName,
  type LabelUsage,
  type NamedLabel,
} from './label-names.js';
import {
  readProbabilityBytes,
  readProbabilityMeta,
  removeProbabilities,
  writeProbabilities,
  type ProbabilityMeta,
} from './probabilities.js';
import type { ProbabilityMapOnGrid } from '../inference/probability-map.js';
import { PROPOSALS_FOLDER, readProposal, readProposalLabels, removeProposal, writeProposal, type Proposal } from './proposals.js';
import { computeStatus, type WorkspaceStatus } from './status.js';
import { assignSplits, nnunetSplits, resolveSplitOptions, type NnunetFold, type SplitOptions } from './split.js';
import { loadVolume } from '../io/load.js';
import { importLabel, importPaths, type ImportLabelOptions, type ImportOptions, type ImportReport } from './importer.js';
import { exportDataset, type ExportFormat, type ExportOptions, type ExportReport } from './export.js';

export type { WorkspaceStatus } from './status.js';

export const WORKSPACE_FOLDERS = ['images', 'labels', 'models', 'runs', 'journal', PROPOSALS_FOLDER] as const;

/** A saved label version, and whether the save wrote nothing because the voxels equal the parent version's. */
export type SavedVersion = LabelVersion & { readonly unchanged: boolean };

/** Two label versions of a case compared (`before` → `after`). */
export interface VersionComparison extends LabelDiff {
  readonly caseId: string;
  readonly before: string;
  readonly after: string;
}

export interface OpenOptions {
  /** Read without taking the writer lock; every change then throws. Default false. */
  readonly readOnly?: boolean;
}

/** What the importer knows about a new case: its id, stored image, origin and grid. */
export type NewCase = Pick<
  CaseRecord,
  'id' | 'image' | 'origin' | 'importedAt' | 'geometry' | 'imageSha256' | 'displayWindow' | 'valueRange'
>;

export interface TrainingSelection {
  readonly statuses?: readonly CaseStatus[];
  /** Cross-validation fold to hold out as val (needs a split made with folds). Default: the train/val split. */
  readonly fold?: number;
}

export class Workspace {
  /** Messages about things done on open (stale lock taken over, manifest recovered); hosts show them. */
  readonly notices: string[] = [];
  #manifest: Manifest;
  #text: string;
  #lock: HeldLock | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    readonly dir: string,
    manifest: Manifest,
    text: string,
    lock: HeldLock | undefined,
    readonly readOnly: boolean,
  ) {
    this.#manifest = manifest;
    this.#text = text;
    this.#lock = lock;
  }

  /**
   * Creates a workspace in `dir` (made if missing; it must not already hold one) and opens it for writing.
   * @throws LobuleError E_WORKSPACE when `dir` already has a lobule.json.
   */
  static async init(dir: string): Promise<Workspace> {
    const root = resolve(dir);
    await mkdir(root, { recursive: true });
    const already = () =>
      new LobuleError(
        'E_WORKSPACE',
        `${root} already holds a Lobule workspace`,
        'Open it instead (pass --workspace), or choose an empty folder',
      );
    if (await exists(join(root, MANIFEST_FILE))) throw already();
    const lock = await acquireLock(root);
    try {
      if (await exists(join(root, MANIFEST_FILE))) throw already(); // another process may have made it meanwhile
      for (const f of WORKSPACE_FOLDERS) await mkdir(join(root, f), { recursive: true });
      const manifest = emptyManifest();
      const text = serializeManifest(manifest);
      await writeFileAtomic(join(root, MANIFEST_FILE), text);
      return new Workspace(root, manifest, text, lock, false);
    } catch (e) {
      await releaseLock(lock);
      throw e;
    }
  }

  /**
   * Opens an existing workspace; takes the writer lock unless `readOnly`.
   * @throws LobuleError E_LOCKED "workspace is open in pid N on HOST" when another live process writes it;
   *   E_WORKSPACE when `dir` is not a workspace; E_CORRUPT when neither lobule.json nor its backup loads.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<Workspace> {
    const root = resolve(dir);
    if (!(await exists(join(root, MANIFEST_FILE))) && !(await exists(join(root, `${MANIFEST_FILE}.bak`)))) {
      throw new LobuleError(
        'E_WORKSPACE',
        `${root} is not a Lobule workspace (no ${MANIFEST_FILE})`,
        `Create one with \`lobule workspace init ${dir}\` or pass --workspace DIR`,
      );
    }
    const readOnly = options.readOnly ?? false;
    const lock = readOnly ? undefined : await acquireLock(root);
    try {
      const loaded = await loadManifest(root, { repair: !readOnly });
      const ws = new Workspace(root, loaded.manifest, loaded.text, lock, readOnly);
      if (lock?.notice) ws.notices.push(lock.notice);
      if (loaded.recovered) ws.notices.push(loaded.recovered);
      if (!readOnly) await ws.#cleanUpAfterCrash();
      return ws;
    } catch (e) {
      if (lock) await releaseLock(lock);
      throw e;
    }
  }

  /** Waits for pending saves, then releases the lock. Further calls throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue.catch(() => undefined);
    this.#closed = true;
    if (this.#lock) await releaseLock(this.#lock);
  }

  // ---- queries -----------------------------------------------------------------------------------------------

  /** The manifest as loaded (a copy; for inspection and tests). */
  manifest(): Manifest {
    return structuredClone(this.#manifest);
  }

  cases(): CaseRecord[] {
    return structuredClone(this.#manifest.cases);
  }

  /** @throws LobuleError E_NOT_FOUND naming the case. */
  getCase(caseId: string): CaseRecord {
    return structuredClone(this.#find(this.#manifest, caseId));
  }

  status(): WorkspaceStatus {
    return computeStatus(this.dir, this.#manifest);
  }

  imagePath(caseId: string): string {
    return join(this.dir, this.#find(this.#manifest, caseId).image);
  }

  labelPath(caseId: string, versionId?: string): string {
    return join(this.dir, findVersion(this.#find(this.#manifest, caseId), versionId).file);
  }

  async readImage(caseId: string): Promise<Volume> {
    return loadVolume(this.imagePath(caseId));
  }

  /** The latest label version, or `versionId`. @throws LobuleError E_NOT_FOUND when there is none. */
  async readLabel(caseId: string, versionId?: string): Promise<LabelVolume> {
    return readLabelFile(this.labelPath(caseId, versionId));
  }

  labelHistory(caseId: string): LabelVersion[] {
    return structuredClone(this.#find(this.#manifest, caseId).labels);
  }

  /** Cases in one split, optionally only those with given statuses (test cases included: for evaluation). */
  splitCases(split: SplitName, options: { statuses?: readonly CaseStatus[] } = {}): CaseRecord[] {
    const statuses = options.statuses;
    return this.cases().filter((c) => c.split === split && (!statuses || statuses.includes(c.status)));
  }

  /**
   * What a training run may read: labelled train and val cases whose status is in `statuses` (default: the
   * workspace's trainingStatuses, i.e. verified). Test cases are never returned, whatever the arguments.
   */
  trainingCases(selection: TrainingSelection = {}): { train: CaseRecord[]; val: CaseRecord[] } {
    const statuses = selection.statuses ?? this.#manifest.trainingStatuses;
    const pool = this.cases().filter(
      (c) => (c.split === 'train' || c.split === 'val') && !c.testLocked && c.labels.length > 0 && statuses.includes(c.status),
    );
    if (selection.fold === undefined) return { train: pool.filter((c) => c.split === 'train'), val: pool.filter((c) => c.split === 'val') };
    const folds = this.#manifest.split?.folds ?? null;
    if (folds === null || !(selection.fold >= 0 && selection.fold < folds)) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `fold ${selection.fold} does not exist: the split has ${folds ?? 'no'} folds`,
        'Make a split with --folds K first',
      );
    }
    return { train: pool.filter((c) => c.fold !== null && c.fold !== selection.fold), val: pool.filter((c) => c.fold === selection.fold) };
  }

  /** nnU-Net v2 `splits_final.json` content over the cases training may read (see trainingCases). */
  exportSplits(options: { statuses?: readonly CaseStatus[] } = {}): NnunetFold[] {
    const { train, val } = this.trainingCases({ statuses: options.statuses });
    return nnunetSplits([...train, ...val], this.#manifest.split?.folds ?? null);
  }

  modelsDir(): string {
    return join(this.dir, 'models');
  }

  runsDir(): string {
    return join(this.dir, 'runs');
  }

  lastOpenCase(): string | null {
    return this.#manifest.ui.lastOpenCase;
  }

  async setLastOpenCase(caseId: string | null): Promise<void> {
    await this.mutate((m) => {
      if (caseId !== null) this.#find(m, caseId);
      m.ui.lastOpenCase = caseId;
    });
  }

  // ---- import / export -------------------------------------------------------------------------------------

  /** Imports files, DICOM folders (one case per series), MSD and nnU-Net v2 raw datasets; see importer.ts. */
  async importPaths(paths: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
    this.#assertWritable();
    return importPaths(this, paths, options);
  }

  /** Adds a label file (NIfTI, NRRD, DICOM SEG) as a new version of an existing case; see importer.ts. */
  async importLabel(caseId: string, path: string, options: ImportLabelOptions = {}): Promise<SavedVersion> {
    this.#assertWritable();
    return importLabel(this, caseId, path, options);
  }

  /** Writes an nnU-Net v2 raw dataset (+ splits_final.json) or an MSD task folder; see export.ts. */
  async exportDataset(format: ExportFormat, outDir: string, options: ExportOptions = {}): Promise<ExportReport> {
    return exportDataset(this, format, outDir, options);
  }

  // ---- labels ------------------------------------------------------------------------------------------------

  /**
   * Saves a new immutable label version and updates the case status (model → draft, manual → corrected,
   * import → verified, unless options.status says otherwise). A manual save clears the case's autosave journal.
   * Labels equal to the parent version's write nothing and change no status: the parent comes back with
   * `unchanged: true`.
   * @throws LobuleError E_GEOMETRY naming both grids when the labels are not on the case's grid.
   */
  async saveLabel(caseId: string, labels: LabelVolume | Uint8Array, options: SaveLabelOptions): Promise<SavedVersion> {
    const source = checkSource(options.source);
    const started = Date.now();
    const saved = await this.#commitUnlessUnchanged((m) => writeLabelVersion(this.dir, this.#find(m, caseId), labels, options));
    // The saved edits supersede the autosave, unless the editor autosaved newer edits while this save ran.
    if (source === 'manual') {
      const mtime = (await stat(journalPath(this.dir, caseId)).catch(() => undefined))?.mtimeMs;
      if (mtime !== undefined && mtime <= started) await this.clearJournal(caseId);
    }
    return { ...structuredClone(saved.version), unchanged: saved.unchanged };
  }

  /**
   * Revert = a new version (source `revert`, `revertOf` the old id, parent the latest) holding the voxels of
   * an older version; the case takes the status it had while that version was the latest. Nothing is deleted.
   * Reverting to what the latest version already holds writes nothing (`unchanged: true`).
   */
  async revertLabel(caseId: string, versionId: string): Promise<SavedVersion> {
    const old = findVersion(this.getCase(caseId), versionId);
    const labels = await this.readLabel(caseId, old.id);
    const saved = await this.#commitUnlessUnchanged((m) =>
      writeLabelVersion(this.dir, this.#find(m, caseId), labels, { source: 'revert', revertOf: old.id, status: old.status ?? 'corrected' }),
    );
    return { ...structuredClone(saved.version), unchanged: saved.unchanged };
  }

  /** Per-label voxels added and removed from `before` to `after`, and their Dice. */
  async compareLabels(caseId: string, before: string, after: string): Promise<VersionComparison> {
    const [a, b] = await Promise.all([this.readLabel(caseId, before), this.readLabel(caseId, after)]);
    return { caseId, before, after, ...diffLabelmaps(a.data, b.data) };
  }

  // ---- auto-segment proposals ---------------------------------------------------------------------------------

  /** Keeps a model's output as the case's proposal (no version, no status change); replaces an earlier one. */
  async setProposal(caseId: string, labels: LabelVolume | Uint8Array, source: `model:${string}@${string}`): Promise<Proposal> {
    this.#assertWritable();
    const c = this.getCase(caseId);
    const vol = labelsOnCaseGrid(c, labels, `proposal for case ${c.id}`);
    checkSource(source);
    return writeProposal(this.dir, vol, { caseId, source, baseVersion: c.labels.at(-1)?.id ?? null });
  }

  /** Keeps the probabilities of a case's auto-segment (engine/workspace/probabilities.ts: they outlive Accept). */
  async setProbabilities(
    caseId: string,
    maps: ProbabilityMapOnGrid | null,
    source: `model:${string}@${string}`,
  ): Promise<ProbabilityMeta | null> {
    this.#assertWritable();
    checkSource(source);
    const dims = this.getCase(caseId).geometry.dims;
    if (!maps) return removeProbabilities(this.dir, caseId).then(() => null); // no stale maps of an earlier run
    return writeProbabilities(this.dir, caseId, dims, maps, source);
  }

  // Reads of the files kept beside a case's labels (engine/workspace/probabilities.ts, proposals.ts); each first
  // checks that the case exists, so an unknown id is E_NOT_FOUND for the case, not "no proposal".
  readonly probabilities = this.#caseFileReader(readProbabilityMeta);
  readonly readProbabilityBytes = this.#caseFileReader(readProbabilityBytes);
  readonly proposal = this.#caseFileReader(readProposal);
  readonly readProposalLabels = this.#caseFileReader(readProposalLabels);

  #caseFileReader<T>(read: (dir: string, caseId: string) => Promise<T>): (caseId: string) => Promise<T> {
    return async (caseId) => {
      this.#find(this.#manifest, caseId);
      return read(this.dir, caseId);
    };
  }

  /**
   * Accept = the proposal becomes a label version (source `model:<id>@<version>`, parent the latest version, status
   * draft) and the proposal is removed.
   * @throws LobuleError E_NOT_FOUND when the case has no proposal.
   */
  async acceptProposal(caseId: string): Promise<SavedVersion> {
    const p = await this.proposal(caseId);
    if (!p) throw new LobuleError('E_NOT_FOUND', `case ${caseId} has no auto-segment proposal to accept`, 'Run auto-segment on it first');
    const labels = await readProposalLabels(this.dir, caseId);
    const saved = await this.saveLabel(caseId, labels, { source: p.source as `model:${string}@${string}` });
    await removeProposal(this.dir, caseId);
    return saved;
  }

  async discardProposal(caseId: string): Promise<void> {
    this.#assertWritable();
    this.#find(this.#manifest, caseId);
    await removeProposal(this.dir, caseId);
  }

  // ---- label names -------------------------------------------------------------------------------------------

  /** The workspace's foreground labels in value order, with their colours. */
  labelNames(): NamedLabel[] {
    return namedLabels(this.#manifest);
  }

  async addLabelName(name: string, color?: string): Promise<NamedLabel> {
    return this.mutate((m) => addLabelName(m, name, color));
  }

  async renameLabelName(value: number, name: string): Promise<NamedLabel> {
    return this.mutate((m) => renameLabelName(m, value, name));
  }

  async recolorLabel(value: number, color: string): Promise<NamedLabel> {
    return this.mutate((m) => recolorLabel(m, value, color));
  }

  labelUsage(value: number): LabelUsage {
    return labelUsage(this.#manifest, value);
  }

  /** See removeLabelName: a label with voxels needs `confirmVoxels` equal to its voxel count. */
  async removeLabelName(value: number, confirmVoxels?: number): Promise<LabelUsage> {
    return this.mutate((m) => removeLabelName(m, value, confirmVoxels));
  }

  // ---- cases: rename, trash ----------------------------------------------------------------------------------

  /** Gives a case a display name (its id, files and versions stay). */
  async renameCase(caseId: string, name: string): Promise<CaseRecord> {
    const n = name.trim();
    if (n.length === 0 || n.length > 200)
      throw new LobuleError('E_INVALID_ARGUMENT', `case name must be 1 to 200 characters, got ${n.length}`);
    return this.mutate((m) => {
      const c = this.#find(m, caseId);
      c.name = n;
      return structuredClone(c);
    });
  }

  /** Deleted cases, newest last (restorable until emptyTrash). */
  trash(): TrashedCase[] {
    return structuredClone(this.#manifest.trash);
  }

  /**
   * Moves a case to the workspace trash: it leaves the case list, splits and training at once; its files stay
   * until the trash is emptied. A case of the locked test split is deleted only with `unlockTest` (the caller
   * asked the user), and then leaves the split unlocked.
   * @throws LobuleError E_LOCKED for a locked test case without `unlockTest`.
   */
  async deleteCase(caseId: string, options: { readonly unlockTest?: boolean } = {}): Promise<TrashedCase> {
    return this.mutate((m) => {
      const c = this.#find(m, caseId);
      if (c.testLocked && !options.unlockTest) {
        throw new LobuleError(
          'E_LOCKED',
          `case ${caseId} is in the locked test split`,
          'Unlock it first (the app asks; the API takes unlockTest: true) to delete it',
        );
      }
      m.cases = m.cases.filter((x) => x.id !== caseId);
      const entry: TrashedCase = { case: { ...c, testLocked: false }, deletedAt: new Date().toISOString() };
      m.trash.push(entry);
      if (m.ui.lastOpenCase === caseId) m.ui.lastOpenCase = null;
      return structuredClone(entry);
    });
  }

  /** Puts a deleted case back as it was (split and labels; a test case comes back unlocked). */
  async restoreCase(caseId: string): Promise<CaseRecord> {
    return this.mutate((m) => {
      const i = m.trash.findLastIndex((t) => t.case.id === caseId);
      if (i < 0)
        throw new LobuleError('E_NOT_FOUND', `no case '${caseId}' in the trash of workspace ${this.dir}`, 'It may have been emptied');
      const [entry] = m.trash.splice(i, 1);
      m.cases.push(entry.case);
      return structuredClone(entry.case);
    });
  }

  /** Deletes the trashed cases' files for good (after the manifest forgets them, so a crash leaves only orphans). */
  async emptyTrash(): Promise<string[]> {
    const gone = await this.mutate((m) => {
      const t = m.trash;
      m.trash = [];
      return t;
    });
    for (const { case: c } of gone) {
      await rm(join(this.dir, c.image), { force: true });
      await rm(join(this.dir, 'labels', c.id), { recursive: true, force: true });
      await removeJournalFile(journalPath(this.dir, c.id));
      await removeProposal(this.dir, c.id);
      await removeProbabilities(this.dir, c.id);
    }
    return gone.map((t) => t.case.id);
  }

  /** Every id in use, trash included (ids name files, so a trashed case's id stays taken). */
  takenIds(): Set<string> {
    return new Set([...this.#manifest.cases, ...this.#manifest.trash.map((t) => t.case)].map((c) => c.id));
  }

  /**
   * Adds a case whose image file is already stored under images/, with its first label version if given, in ONE
   * commit (so a crash never leaves an imported case without the labels it came with).
   * @throws LobuleError E_INVALID_ARGUMENT when the id is taken.
   */
  async addCase(record: NewCase, labels?: { readonly volume: LabelVolume; readonly options: SaveLabelOptions }): Promise<CaseRecord> {
    return this.mutate(async (m) => {
      if (m.cases.some((c) => c.id === record.id) || m.trash.some((t) => t.case.id === record.id))
        throw new LobuleError('E_INVALID_ARGUMENT', `case id '${record.id}' is taken in workspace ${this.dir}`);
      const c: CaseRecord = {
        ...record,
        geometry: structuredClone(record.geometry),
        status: 'unlabelled',
        split: 'unassigned',
        fold: null,
        testLocked: false,
        labels: [],
      };
      m.cases.push(c);
      if (labels) await writeLabelVersion(this.dir, c, labels.volume, labels.options);
      return structuredClone(c);
    });
  }

  /** Sets a case's status (verify is always explicit). A case without labels can only be 'unlabelled'. */
  async setStatus(caseId: string, status: CaseStatus): Promise<void> {
    if (!CASE_STATUSES.includes(status))
      throw new LobuleError('E_INVALID_ARGUMENT', `'${status}' is not a case status`, `Use one of: ${CASE_STATUSES.join(', ')}`);
    await this.mutate((m) => {
      const c = this.#find(m, caseId);
      if (c.labels.length === 0 && status !== 'unlabelled') {
        throw new LobuleError('E_INVALID_ARGUMENT', `case ${caseId} has no labels, so it cannot be ${status}`, 'Save labels for it first');
      }
      c.status = status;
      const latest = c.labels.at(-1);
      if (latest) latest.status = status; // what a revert to this version restores
    });
  }

  /** Which statuses training reads (default ['verified']). */
  async setTrainingStatuses(statuses: readonly CaseStatus[]): Promise<void> {
    const bad = statuses.find((s) => !CASE_STATUSES.includes(s));
    if (bad !== undefined || statuses.length === 0) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `training statuses must be a non-empty list of ${CASE_STATUSES.join(', ')}${bad ? `, got '${bad}'` : ''}`,
      );
    }
    await this.mutate((m) => {
      m.trainingStatuses = [...new Set(statuses)];
    });
  }

  // ---- splits ------------------------------------------------------------------------------------------------

  /**
   * Moves one case by hand. Locked test cases refuse to move; moving a case clears its cross-validation fold.
   * @throws LobuleError E_LOCKED for a case of the locked test split.
   */
  async setSplit(caseId: string, split: SplitName): Promise<void> {
    if (!SPLITS.includes(split))
      throw new LobuleError('E_INVALID_ARGUMENT', `'${split}' is not a split`, `Use one of: ${SPLITS.join(', ')}`);
    await this.mutate((m) => {
      const c = this.#find(m, caseId);
      if (c.testLocked && split !== 'test') {
        throw new LobuleError(
          'E_LOCKED',
          `case ${caseId} is in the locked test split and cannot move to ${split}`,
          'Locked test cases stay held out so test scores stay honest',
        );
      }
      if (c.split !== split) c.fold = null;
      c.split = split;
      if (split === 'test' && m.cases.some((x) => x.testLocked)) c.testLocked = true;
    });
  }

  /** Seeded split of all cases (see assignSplits); same cases + same options → same split. */
  async makeSplit(options: SplitOptions = {}): Promise<WorkspaceStatus> {
    const o = resolveSplitOptions(options);
    await this.mutate((m) => {
      const assignment = assignSplits(m.cases, o);
      for (const c of m.cases) {
        const a = assignment.get(c.id)!;
        c.split = a.split;
        c.fold = a.fold;
        if (o.lockTest && a.split === 'test') c.testLocked = true;
      }
      m.split = { val: o.val, test: o.test, seed: o.seed, folds: o.folds, madeAt: new Date().toISOString() };
    });
    return this.status();
  }

  /** Locks the current test cases. */
  async lockTestSplit(): Promise<void> {
    await this.mutate((m) => {
      for (const c of m.cases) if (c.split === 'test') c.testLocked = true;
    });
  }

  // ---- autosave journal --------------------------------------------------------------------------------------

  /** Atomically stores unsaved edits of a case; survives a crash. */
  async writeJournal(caseId: string, bytes: Uint8Array, meta: JournalMeta = {}): Promise<void> {
    this.#assertWritable();
    this.#find(this.#manifest, caseId);
    await writeJournalFile(journalPath(this.dir, caseId), bytes, meta);
  }

  /** The autosaved edits of a case, or undefined. @throws LobuleError E_CORRUPT if the journal fails its check. */
  async readJournal(caseId: string): Promise<JournalEntry | undefined> {
    this.#find(this.#manifest, caseId);
    return readJournalFile(journalPath(this.dir, caseId));
  }

  /** Cases with autosaved edits waiting (to offer recovery after a crash). */
  async casesWithJournal(): Promise<string[]> {
    const names = await readdir(join(this.dir, 'journal')).catch(() => [] as string[]);
    const ids = new Set(this.#manifest.cases.map((c) => c.id));
    return names
      .filter((n) => n.endsWith('.journal'))
      .map((n) => n.slice(0, -'.journal'.length))
      .filter((id) => ids.has(id))
      .sort();
  }

  async clearJournal(caseId: string): Promise<void> {
    this.#assertWritable();
    await removeJournalFile(journalPath(this.dir, caseId));
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  /**
   * Runs one change: `change` edits a copy of the manifest (and may write files first); the copy is committed
   * atomically and only then becomes the workspace's state. Changes run one at a time, in call order.
   * If `change` throws, nothing is committed.
   */
  async mutate<T>(change: (draft: Manifest) => T | Promise<T>): Promise<T> {
    this.#assertWritable();
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.#manifest);
      const result = await change(draft);
      if (this.#lock && !(await lockStillHeld(this.#lock))) {
        throw new LobuleError(
          'E_LOCKED',
          `the lock of workspace ${this.dir} was removed or taken by another process`,
          'Reopen the workspace; nothing was written by this change',
        );
      }
      draft.revision = this.#manifest.revision + 1;
      this.#text = await commitManifest(this.dir, this.#text, draft);
      this.#manifest = draft;
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Runs a label write in `mutate`, but commits nothing when it found the labels unchanged. */
  async #commitUnlessUnchanged(write: (m: Manifest) => Promise<{ version: LabelVersion; unchanged: boolean }>) {
    let unchangedResult: { version: LabelVersion; unchanged: boolean } | undefined;
    const NOTHING = Symbol('unchanged');
    try {
      return await this.mutate(async (m) => {
        const r = await write(m);
        if (r.unchanged) {
          unchangedResult = r;
          throw NOTHING; // aborts the commit: no new revision, no backup rotation
        }
        return r;
      });
    } catch (e) {
      if (e === NOTHING && unchangedResult) return unchangedResult;
      throw e;
    }
  }

  #assertWritable(): void {
    if (this.#closed) throw new LobuleError('E_WORKSPACE', `workspace ${this.dir} is closed`, 'Open it again');
    if (this.readOnly)
      throw new LobuleError('E_WORKSPACE', `workspace ${this.dir} was opened read-only`, 'Open it without readOnly to change it');
  }

  #find(m: Manifest, caseId: string): CaseRecord {
    const c = m.cases.find((x) => x.id === caseId);
    if (!c)
      throw new LobuleError(
        'E_NOT_FOUND',
        `no case '${caseId}' in workspace ${this.dir}`,
        `Run \`lobule workspace status --workspace ${this.dir}\` to list cases`,
      );
    return c;
  }

  async #cleanUpAfterCrash(): Promise<void> {
    for (const f of WORKSPACE_FOLDERS) await mkdir(join(this.dir, f), { recursive: true });
    let removed = await removeStaleTempFiles(this.dir);
    for (const f of ['images', 'journal']) removed += await removeStaleTempFiles(join(this.dir, f));
    for (const c of this.#manifest.cases) removed += await removeStaleTempFiles(join(this.dir, 'labels', c.id));
    const orphans = await removeOrphanFiles(this.dir); // files of writes killed before their manifest commit
    removed += orphans.orphansRemoved.length + orphans.tempFilesRemoved;
    if (removed > 0) this.notices.push(`removed ${removed} unfinished temp file(s) left by an interrupted save; all saved work is intact`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
