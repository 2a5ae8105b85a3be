/**
 * Case-level curation in the Dataset panel: rename, delete to the workspace trash (asking first, and asking to
 * unlock a locked test case), restore and empty the trash. The host keeps the manifest and split consistent;
 * this class asks the questions and keeps the open case sensible when it is the one deleted.
 */
import type { CaseSummary, LobuleApi, TrashEntry } from '../../../engine/api/contract.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { Messages } from '../app/messages.svelte.js';
import type { WorkspaceState } from '../app/workspace.svelte.js';
import { plural } from '../labels/curation.svelte.js';

export interface CaseCurationDeps {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly cases: CaseState;
  readonly workspace: WorkspaceState;
}

export class CaseCuration {
  trash = $state.raw<readonly TrashEntry[]>([]);
  readonly #d: CaseCurationDeps;

  constructor(deps: CaseCurationDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#d.api.on('workspace.didChange', (e) => {
      if (e.what === 'cases' || e.what === 'workspace') void this.refreshTrash();
    });
    void this.refreshTrash();
  }

  async refreshTrash(): Promise<void> {
    try {
      this.trash = await this.#d.api.workspace.trash();
    } catch (e) {
      this.#d.messages.error(e, 'Reading the trash');
    }
  }

  async rename(caseId: string, name: string): Promise<void> {
    try {
      await this.#d.api.workspace.renameCase({ caseId, name });
      await this.#d.workspace.refreshCases();
    } catch (e) {
      this.#d.messages.error(e, 'Renaming the case');
    }
  }

  /** Moves a case to the trash after asking; a locked test case asks to be unlocked first. */
  async remove(c: CaseSummary): Promise<void> {
    const { api, cases, messages, workspace } = this.#d;
    const open = cases.session?.caseId === c.id;
    if (open && !(await cases.guardUnsaved('delete the case'))) return;
    const versions = plural(c.labelVersionCount, 'label version');
    const choice = c.locked
      ? await messages.ask(
          'Unlock and delete a test case?',
          `${c.name} is in the locked test split. Deleting it unlocks it and changes the test set, so test scores made before ` +
            `are no longer comparable. It goes to the trash with its ${versions} and can be restored until you empty the trash.`,
          [
            { id: 'delete', label: 'Unlock and delete', primary: true },
            { id: 'cancel', label: 'Cancel' },
          ],
        )
      : await messages.ask(
          'Move to the trash?',
          `${c.name} leaves the case list, its split and training. Its image and ${versions} stay in the trash until you empty it.`,
          [
            { id: 'delete', label: 'Move to trash', primary: true },
            { id: 'cancel', label: 'Cancel' },
          ],
        );
    if (choice !== 'delete') return;
    try {
      await api.workspace.deleteCase({ caseId: c.id, unlockTest: c.locked || undefined });
      await workspace.refreshCases();
      await this.refreshTrash();
      messages.info('Moved to the trash', `${c.name} can be restored from the trash`);
      if (open) {
        const next = workspace.cases[0];
        cases.session?.dispose();
        cases.session = null;
        if (next) await cases.openCase(next.id);
      }
    } catch (e) {
      messages.error(e, 'Deleting the case');
    }
  }

  async restore(caseId: string): Promise<void> {
    try {
      await this.#d.api.workspace.restoreCase({ caseId });
      await this.#d.workspace.refreshCases();
      await this.refreshTrash();
    } catch (e) {
      this.#d.messages.error(e, 'Restoring the case');
    }
  }

  async empty(): Promise<void> {
    const n = this.trash.length;
    if (n === 0) return;
    const choice = await this.#d.messages.ask(
      'Empty the trash?',
      `${plural(n, 'case')} and all their label versions will be deleted from disk for good.`,
      [
        { id: 'empty', label: 'Delete for good', primary: true },
        { id: 'cancel', label: 'Cancel' },
      ],
    );
    if (choice !== 'empty') return;
    try {
      const { deleted } = await this.#d.api.workspace.emptyTrash();
      this.#d.messages.info('Trash emptied', `${plural(deleted.length, 'case')} deleted for good`);
      await this.refreshTrash();
    } catch (e) {
      this.#d.messages.error(e, 'Emptying the trash');
    }
  }
}
