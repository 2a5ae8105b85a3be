/**
 * The workstation's top-level state: the workspace, its cases and models, the opened case, and the flows that
 * span panels (open with guard and journal restore, save, verify, auto-segment, edit operations).
 */
import { ApiError, type CaseSummary, type JournalInfo, type JobInfo, type LobuleApi, type ModelSummary, type WorkspaceInfo } from '../../../engine/api/contract.js';
import { CaseSession } from '../edit/caseSession.svelte.js';
import { EditTools } from '../edit/editTools.svelte.js';
import { AutoSegment } from '../edit/autoSegment.svelte.js';
import { BrushController } from '../edit/brushController.js';
import { fillHoles, interpolateSlices, keepLargestIsland } from '../edit/morphology.js';
import { ViewerState } from '../viewer/viewerState.svelte.js';
import { TrainingState } from '../panels/training.svelte.js';
import { DatasetView } from '../panels/dataset.svelte.js';
import { Messages } from './messages.svelte.js';
import { stats } from './stats.js';
import type { ToolId } from '../edit/tools.js';
import type { MprViewId } from '../viewer/viewports.js';

export type MorphologyOp = 'fillHoles' | 'keepLargestIsland' | 'interpolate';

export class AppState {
  readonly api: LobuleApi;
  readonly messages = new Messages();
  readonly viewer = new ViewerState();
  readonly tools: EditTools;
  readonly segmenter: AutoSegment;
  readonly training: TrainingState;
  readonly dataset = new DatasetView();
  readonly brush: BrushController;
  info = $state.raw<WorkspaceInfo | null>(null);
  /** Whether the host has native file dialogs (Electron); in a browser, paths are typed. */
  nativeDialogs = $state(false);
  cases = $state.raw<readonly CaseSummary[]>([]);
  models = $state.raw<readonly ModelSummary[]>([]);
  session = $state.raw<CaseSession | null>(null);
  /** Long work in progress (opening, saving); null when idle. */
  busy = $state<string | null>(null);
  helpOpen = $state(false);
  cursor = $state.raw<{ view: MprViewId; x: number; y: number; radiusPx: number } | null>(null);
  readonly currentCase = $derived(this.cases.find((c) => c.id === this.session?.caseId) ?? null);
  readonly activeModel = $derived(this.models.find((m) => m.active) ?? null);

  constructor(api: LobuleApi) {
    this.api = api;
    this.tools = new EditTools((tool) => this.#toolChanged(tool));
    this.viewer.engine.onError = (e, what) => this.messages.error(e, what);
    this.segmenter = new AutoSegment(api);
    this.training = new TrainingState(api);
    this.brush = new BrushController({
      viewer: this.viewer.engine,
      tools: this.tools,
      editor: () => this.session?.editor,
      strokeEnded: () => this.session?.changed(),
      cursor: (view, at) => (this.cursor = at ? { view, ...at } : null),
    });
  }

  /** Loads the workspace and reopens the last case (or the first one). */
  async start(): Promise<void> {
    this.api.on('workspace.didChange', (e) => {
      if (e.what === 'models') void this.refreshModels();
      else void this.refreshCases();
    });
    try {
      // The models are not needed to show the first slice: read them while the case opens.
      const models = this.refreshModels();
      void this.api.host.info().then((h) => (this.nativeDialogs = h.nativeDialogs), (e: unknown) => this.messages.error(e, 'Reading the host info'));
      const [info, cases] = await Promise.all([this.api.workspace.info(), this.api.workspace.cases()]);
      this.info = info;
      this.cases = cases;
      const first = cases.find((c) => c.id === info.lastOpenCase) ?? cases[0];
      if (first) await this.openCase(first.id);
      await models;
    } catch (e) {
      this.messages.error(e, 'Loading the workspace');
    }
  }

  async refreshCases(): Promise<void> {
    try {
      this.cases = await this.api.workspace.cases();
    } catch (e) {
      this.messages.error(e, 'Reading the case list');
    }
  }

  async refreshModels(): Promise<void> {
    try {
      const models = await this.api.models.list();
      const previousActive = this.activeModel?.id ?? null;
      this.models = models;
      // The picker follows the active model unless the user picked another one for this run.
      const picked = this.segmenter.modelId;
      if (picked === null || picked === previousActive || !models.some((m) => m.id === picked)) {
        this.segmenter.modelId = models.find((m) => m.active)?.id ?? models[0]?.id ?? null;
      }
    } catch (e) {
      this.messages.error(e, 'Reading the models');
    }
  }

  /** Asks what to do with unsaved edits; false when the user cancels. */
  async guardUnsaved(action: string): Promise<boolean> {
    const session = this.session;
    if (!session?.dirty) return true;
    const choice = await this.messages.ask('Unsaved edits', `The labels of ${this.currentCase?.name ?? session.caseId} have unsaved edits. Save them before you ${action}?`, [
      { id: 'save', label: 'Save', primary: true },
      { id: 'discard', label: 'Discard' },
      { id: 'cancel', label: 'Cancel' },
    ]);
    if (choice === 'cancel') return false;
    try {
      if (choice === 'save') await session.save();
      else await session.discardJournal();
      return true;
    } catch (e) {
      this.messages.error(e, choice === 'save' ? 'Saving' : 'Discarding the journal');
      return false;
    }
  }

  async openCase(caseId: string): Promise<void> {
    if (this.session?.caseId === caseId) return;
    if (!(await this.guardUnsaved('open another case'))) return;
    const started = performance.now();
    stats.firstOpenAt ||= started;
    this.busy = 'Opening case…';
    try {
      const journal = this.api.labels.journalInfo({ caseId });
      const session = await CaseSession.open(this.api, caseId, (e, what) => this.messages.error(e, what));
      const loaded = performance.now();
      await this.#offerJournal(session, await journal);
      this.session?.dispose();
      this.session = session;
      this.viewer.hiddenSegments = [];
      const shown = performance.now();
      await this.viewer.engine.show(session.meta, session.image, session.labels, this.viewer.labelStyle(), this.viewer);
      this.viewer.ready = true;
      this.viewer.reapplySegments();
      stats.openMs.push(performance.now() - started);
      stats.openPhases.push({ loadMs: loaded - started, showMs: performance.now() - shown });
      void this.api.workspace.setLastOpenCase({ caseId }).catch((e: unknown) => this.messages.error(e, 'Remembering the open case'));
    } catch (e) {
      this.messages.error(e, `Opening case ${caseId}`);
    } finally {
      this.busy = null;
    }
  }

  async #offerJournal(session: CaseSession, journal: JournalInfo | null): Promise<void> {
    if (!journal) return;
    const when = new Date(journal.savedAt).toLocaleString();
    const choice = await this.messages.ask('Recover unsaved edits?', `Lobule found edits of this case autosaved at ${when} that were never saved as a label version.`, [
      { id: 'restore', label: 'Restore edits', primary: true },
      { id: 'discard', label: 'Discard them' },
    ]);
    if (choice === 'restore') {
      const bytes = await this.api.labels.journalBytes({ caseId: session.caseId });
      session.loadLabels(bytes, journal.baseVersion, true);
    } else {
      await session.discardJournal();
    }
  }

  async save(): Promise<void> {
    const session = this.session;
    if (!session || session.saving) return;
    const started = performance.now();
    try {
      const version = await session.save();
      stats.saveMs.push(performance.now() - started);
      this.messages.info('Saved', `Label version ${version.id} of ${this.currentCase?.name ?? session.caseId}`);
      await this.refreshCases();
    } catch (e) {
      this.messages.error(e, 'Saving the labels');
    }
  }

  async verify(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      if (session.dirty) await session.save();
      await this.api.workspace.setStatus({ caseId: session.caseId, status: 'verified' });
      await this.refreshCases();
    } catch (e) {
      this.messages.error(e, 'Verifying the case');
    }
  }

  undo(): void {
    this.#historyStep((editor) => editor.undo());
  }

  redo(): void {
    this.#historyStep((editor) => editor.redo());
  }

  #historyStep(step: (editor: CaseSession['editor']) => boolean): void {
    const session = this.session;
    if (!session || !step(session.editor)) return;
    this.viewer.engine.labelsChanged(session.editor.takeDirtySlices(), true);
    session.changed();
  }

  /** Runs a whole-labelmap operation on the selected segment as one undo step. */
  runOperation(op: MorphologyOp): void {
    const session = this.session;
    if (!session) return;
    const { labels, dims } = session.editor;
    const value = this.tools.segment;
    const next = op === 'fillHoles' ? fillHoles(labels, dims, value) : op === 'keepLargestIsland' ? keepLargestIsland(labels, dims, value) : interpolateSlices(labels, dims, value);
    const changed = session.editor.replaceAll(next);
    this.viewer.engine.labelsChanged(session.editor.takeDirtySlices(), true);
    session.changed();
    this.messages.info('Done', `${changed.toLocaleString()} voxels changed`);
  }

  async autoSegment(): Promise<void> {
    const session = this.session;
    if (!session) return;
    if (!(await this.guardUnsaved('replace them with a model result'))) return;
    try {
      await this.segmenter.start(session.caseId, (job) => void this.#segmentDone(session, job));
    } catch (e) {
      this.messages.error(e, 'Starting auto-segment');
    }
  }

  async #segmentDone(session: CaseSession, job: JobInfo): Promise<void> {
    if (job.state === 'cancelled') return this.messages.info('Auto-segment cancelled', 'The labels were not changed');
    if (job.state !== 'succeeded' || job.result?.kind !== 'segment') {
      return this.messages.error(job.error ? new ApiError(job.error) : new Error('the job ended without a label version'), 'Auto-segment');
    }
    const version = job.result.version;
    try {
      if (this.session === session) {
        const bytes = await this.api.volumes.labelBytes({ caseId: session.caseId, version: version.id });
        session.loadLabels(bytes, version.id, false);
        this.viewer.engine.labelsChanged(session.editor.takeDirtySlices(), true);
      }
      this.messages.info('Auto-segment finished', `Draft version ${version.id} is loaded; correct it, then Save or Verify`);
      await this.refreshCases();
    } catch (e) {
      this.messages.error(e, 'Loading the model result');
    }
  }

  async startTraining(): Promise<void> {
    try {
      await this.training.start(this.activeModel ?? undefined, (job) => {
        if (job.state === 'failed') this.messages.error(job.error ? new ApiError(job.error) : new Error('training failed'), 'Training');
        else if (job.state === 'succeeded') this.messages.info('Training finished', 'The new model is in the list; set it active to use it');
        void this.refreshModels();
      });
    } catch (e) {
      this.messages.error(e, 'Starting training');
    }
  }

  async setActiveModel(modelId: string): Promise<void> {
    try {
      await this.api.models.setActive({ modelId });
      await this.refreshModels();
    } catch (e) {
      this.messages.error(e, 'Setting the active model');
    }
  }

  #toolChanged(tool: ToolId): void {
    const started = performance.now();
    const nav = tool === 'windowLevel' || tool === 'crosshairs' || tool === 'pan' || tool === 'zoom' ? tool : null;
    // Editing tools leave Cornerstone's bindings alone: the brush takes the primary button in the capture phase
    // (and suppresses the mouse events Cornerstone listens to). Rebinding Cornerstone tools redraws every view,
    // one software-GL frame per switch, which is the tool-switch lag users report.
    if (nav && this.viewer.ready) this.viewer.setMode(nav);
    if (nav) this.cursor = null;
    stats.toolSwitchMs.push(performance.now() - started);
  }
}
