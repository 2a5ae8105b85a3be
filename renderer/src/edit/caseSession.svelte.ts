/**
 * One opened case: its image, its editable uint8 labelmap, the label version the edits started from, and the
 * save / autosave-to-journal / restore logic. Voxel buffers are plain fields, never deep $state.
 */
import {
  ApiError,
  type CaseId,
  type JournalInfo,
  type LabelVersion,
  type LabelVersionId,
  type LobuleApi,
  type VolumeMeta,
} from '../../../engine/api/contract.js';
import { fetchCaseParts, type CaseParts } from './caseFetch.js';
import { LabelmapEditor } from './labelmapEditor.js';
import { currentConnection } from '../../../engine/api/http-client.js';
import { imageScalarsFromBytes, type ImageScalars } from '../viewer/volumeFactory.js';
import { voxelVolumeMm3 } from '../../../engine/common/voxel-volume.js';

/** Autosave runs this long after the last edit (a 512×512×300 labelmap is 78 MB to send). */
const AUTOSAVE_DELAY_MS = 4000;

export interface SegmentRow {
  readonly value: number;
  readonly voxels: number;
  readonly volumeMl: number;
}

export class CaseSession {
  readonly editor: LabelmapEditor;
  baseVersion = $state<LabelVersionId | null>(null);
  revision = $state(0);
  /** The editor's stateId now and when last saved (or loaded): unsaved edits exist when they differ. */
  stateId = $state(0);
  savedStateId = $state(0);
  saving = $state(false);
  lastSavedAt = $state<string | null>(null);
  /** Counts per label value, refreshed after each change (the segment list derives from it). */
  counts = $state.raw<Float64Array>(new Float64Array(256));
  readonly dirty = $derived(this.stateId !== this.savedStateId);
  readonly segments: SegmentRow[] = $derived.by(() => {
    const rows: SegmentRow[] = [];
    for (let v = 1; v < 256; v++) {
      if (this.counts[v] > 0) rows.push({ value: v, voxels: this.counts[v], volumeMl: (this.counts[v] * this.voxelMm3) / 1000 });
    }
    return rows;
  });
  readonly voxelMm3: number;
  #journaledRevision = 0;
  /** Whether this session wrote a journal that no save or discard has cleared yet. */
  #journalOnDisk = false;
  #autosaveTimer: ReturnType<typeof setTimeout> | undefined;

  readonly api: LobuleApi;
  readonly caseId: CaseId;
  readonly meta: VolumeMeta;
  readonly image: ImageScalars;
  readonly labels: Uint8Array;
  readonly onError: (e: unknown, what: string) => void;

  constructor(parts: {
    api: LobuleApi;
    caseId: CaseId;
    meta: VolumeMeta;
    image: ImageScalars;
    labels: Uint8Array;
    /** The label version's recorded voxel counts (null: count them). */
    labelCounts: Readonly<Record<string, number>> | null;
    baseVersion: LabelVersionId | null;
    onError: (e: unknown, what: string) => void;
  }) {
    this.api = parts.api;
    this.caseId = parts.caseId;
    this.meta = parts.meta;
    this.image = parts.image;
    this.labels = parts.labels;
    this.onError = parts.onError;
    this.editor = new LabelmapEditor(parts.labels, parts.meta.dims, parts.meta.spacing, parts.image, parts.labelCounts);
    this.baseVersion = parts.baseVersion;
    this.voxelMm3 = voxelVolumeMm3(parts.meta.affine);
    this.counts = this.editor.counts.slice();
    this.stateId = this.savedStateId = this.editor.stateId;
  }

  /**
   * Builds the session from the case's image and latest label (an empty labelmap when it has none), fetched here
   * unless `parts` were requested earlier (EarlyCase).
   */
  static async open(
    api: LobuleApi,
    caseId: CaseId,
    onError: (e: unknown, what: string) => void,
    parts: Promise<CaseParts> = fetchCaseParts(api, caseId),
  ): Promise<CaseSession> {
    const { meta, imageBytes, label } = await parts;
    const image = imageScalarsFromBytes(meta, imageBytes);
    const n = meta.dims[0] * meta.dims[1] * meta.dims[2];
    let labels = new Uint8Array(n);
    if (label) {
      if (label.bytes.byteLength !== n) {
        throw new ApiError({
          name: 'LobuleError',
          code: 'E_GEOMETRY',
          message: `label version ${label.meta.version} of case ${caseId} has ${label.bytes.byteLength} voxels but the image has ${n}`,
          hint: 'Re-import the label on the image grid',
        });
      }
      labels = new Uint8Array(label.bytes);
    }
    return new CaseSession({
      api,
      caseId,
      meta,
      image,
      labels,
      labelCounts: label?.meta.voxelCounts ?? null,
      baseVersion: label?.meta.version ?? null,
      onError,
    });
  }

  /** Whether the current edits are in the journal (or saved): nothing would be lost by a crash now. */
  get journaled(): boolean {
    return !this.dirty || this.#journaledRevision === this.revision;
  }

  /** Call after every edit (stroke end, undo, operation): refreshes counts and schedules the autosave. */
  changed(): void {
    this.revision = this.editor.revision;
    this.stateId = this.editor.stateId;
    this.counts = this.editor.counts.slice();
    clearTimeout(this.#autosaveTimer);
    this.#autosaveTimer = setTimeout(() => void this.autosave(), AUTOSAVE_DELAY_MS);
  }

  /** Writes unsaved edits to the workspace journal (crash recovery); no-op when nothing changed since. */
  async autosave(): Promise<JournalInfo | null> {
    clearTimeout(this.#autosaveTimer);
    const revision = this.revision;
    if (revision === this.#journaledRevision) return null;
    try {
      if (!this.dirty) {
        // Undone back to the saved labels: a journal written meanwhile would offer stale edits after a crash.
        if (this.#journalOnDisk) await this.api.labels.clearJournal({ caseId: this.caseId });
        this.#journalOnDisk = false;
        this.#journaledRevision = revision;
        return null;
      }
      const info = await this.api.labels.writeJournal({ caseId: this.caseId, baseVersion: this.baseVersion, data: this.labels });
      this.#journaledRevision = revision;
      this.#journalOnDisk = true;
      return info;
    } catch (e) {
      // With the host unreachable the edits stay here; the connection's restore hook autosaves them again.
      if (currentConnection() === 'online') this.onError(e, 'Autosave');
      return null;
    }
  }

  /**
   * Saves the labelmap as a new immutable version (the host clears the journal). Labels equal to the version
   * they were edited from write nothing: the host answers with that version and `unchanged: true`.
   */
  async save(source = 'manual'): Promise<LabelVersion> {
    clearTimeout(this.#autosaveTimer);
    this.saving = true;
    try {
      const revision = this.revision;
      const stateId = this.stateId;
      const version = await this.api.labels.save({ caseId: this.caseId, parent: this.baseVersion, data: this.labels, source });
      this.baseVersion = version.id;
      this.savedStateId = stateId;
      this.#journaledRevision = revision;
      this.#journalOnDisk = false; // the host clears the journal on save
      this.lastSavedAt = version.createdAt;
      return version;
    } finally {
      this.saving = false;
    }
  }

  /** Replaces the labelmap with a stored version (model draft, journal) without an undo step. */
  loadLabels(bytes: ArrayBuffer, baseVersion: LabelVersionId | null, unsaved: boolean): void {
    if (bytes.byteLength !== this.labels.length) {
      throw new ApiError({
        name: 'LobuleError',
        code: 'E_GEOMETRY',
        message: `labelmap of case ${this.caseId} has ${bytes.byteLength} voxels, the image ${this.labels.length}`,
        hint: 'Run the model again on this case',
      });
    }
    this.editor.reset(new Uint8Array(bytes));
    this.baseVersion = baseVersion;
    this.revision = this.editor.revision;
    this.stateId = this.editor.stateId;
    // Restored journal edits are unsaved: no saved state matches them.
    this.savedStateId = unsaved ? Number.NaN : this.stateId;
    this.counts = this.editor.counts.slice();
  }

  async discardJournal(): Promise<void> {
    await this.api.labels.clearJournal({ caseId: this.caseId });
    this.#journalOnDisk = false;
  }

  dispose(): void {
    clearTimeout(this.#autosaveTimer);
  }
}
