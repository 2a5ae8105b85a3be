/**
 * The opened case and the flows around it: open (with the unsaved-edits guard and journal restore), save and
 * verify. Editing operations on the open case live in edit/editActions.ts.
 */
import type { CaseSummary, JournalInfo, LobuleApi } from '../../../engine/api/contract.js';
import type { EarlyCase } from '../edit/caseFetch.js';
import { CaseSession } from '../edit/caseSession.svelte.js';
import type { ViewerState } from '../viewer/viewerState.svelte.js';
import type { Messages } from './messages.svelte.js';
import type { UiState } from './ui.svelte.js';
import type { WorkspaceState } from './workspace.svelte.js';
import { stats } from './stats.js';
import { frameShown } from '../viewer/frames.js';

export interface CaseStateDeps {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly ui: UiState;
  readonly workspace: WorkspaceState;
  readonly viewer: ViewerState;
  /** The reopened case's requests, started before the app loaded (main.ts). */
  readonly early?: EarlyCase | null;
}

export class CaseState {
  readonly #deps: CaseStateDeps;
  session = $state.raw<CaseSession | null>(null);

  /** The open case's row in the case list (name, status), or null. A getter: reactive through its reads. */
  get currentCase(): CaseSummary | null {
    return this.#deps.workspace.cases.find((c) => c.id === this.session?.caseId) ?? null;
  }

  constructor(deps: CaseStateDeps) {
    this.#deps = deps;
  }

  /** Asks what to do with unsaved edits; false when the user cancels. */
  async guardUnsaved(action: string): Promise<boolean> {
    const session = this.session;
    if (!session?.dirty) return true;
    const name = this.currentCase?.name ?? session.caseId;
    const choice = await this.#deps.messages.ask(
      'Unsaved edits',
      `The labels of ${name} have unsaved edits. Save them before you ${action}?`,
      [
        { id: 'save', label: 'Save', primary: true },
        { id: 'discard', label: 'Discard' },
        { id: 'cancel', label: 'Cancel' },
      ],
    );
    if (choice === 'cancel') return false;
    try {
      if (choice === 'save') await session.save();
      else await session.discardJournal();
      return true;
    } catch (e) {
      this.#deps.messages.error(e, choice === 'save' ? 'Saving' : 'Discarding the journal');
      return false;
    }
  }

  async openCase(caseId: string): Promise<void> {
    if (this.session?.caseId === caseId) return;
    if (!(await this.guardUnsaved('open another case'))) return;
    const { api, messages, ui, viewer } = this.#deps;
    const started = performance.now();
    stats.firstOpenAt ||= started;
    ui.busy = 'Opening case…';
    try {
      const journal = api.labels.journalInfo({ caseId });
      const early = this.#deps.early?.take(caseId) ?? undefined;
      const session = await CaseSession.open(api, caseId, (e, what) => messages.error(e, what), early);
      const loaded = performance.now();
      await this.#offerJournal(session, await journal);
      this.session?.dispose();
      this.session = session;
      const shown = performance.now();
      await viewer.showCase(session);
      // Timed at the frame that displays the first slices, not when they were drawn.
      void frameShown().then((at) => {
        stats.openMs.push(at - started);
        stats.openPhases.push({ loadMs: loaded - started, showMs: at - shown });
      });
      void api.workspace.setLastOpenCase({ caseId }).catch((e: unknown) => messages.error(e, 'Remembering the open case'));
    } catch (e) {
      messages.error(e, `Opening case ${caseId}`);
    } finally {
      ui.busy = null;
    }
  }

  async #offerJournal(session: CaseSession, journal: JournalInfo | null): Promise<void> {
    if (!journal) return;
    const when = new Date(journal.savedAt).toLocaleString();
    const choice = await this.#deps.messages.ask(
      'Recover unsaved edits?',
      `Lobule found edits of this case autosaved at ${when} that were never saved as a label version.`,
      [
        { id: 'restore', label: 'Restore edits', primary: true },
        { id: 'discard', label: 'Discard them' },
      ],
    );
    if (choice === 'restore') {
      const bytes = await this.#deps.api.labels.journalBytes({ caseId: session.caseId });
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
      const name = this.currentCase?.name ?? session.caseId;
      if (version.unchanged)
        this.#deps.messages.info('Nothing to save', `The labels of ${name} equal version ${version.id}; no new version was written`);
      else this.#deps.messages.info('Saved', `Label version ${version.id} of ${name}`);
      await this.#deps.workspace.refreshCases();
    } catch (e) {
      this.#deps.messages.error(e, 'Saving the labels');
    }
  }

  async verify(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      if (session.dirty) await session.save();
      await this.#deps.api.workspace.setStatus({ caseId: session.caseId, status: 'verified' });
      this.#deps.messages.info('Verified', `${this.currentCase?.name ?? session.caseId} is marked verified`);
      await this.#deps.workspace.refreshCases();
    } catch (e) {
      this.#deps.messages.error(e, 'Verifying the case');
    }
  }
}
