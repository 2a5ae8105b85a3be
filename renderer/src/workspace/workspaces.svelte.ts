/**
 * The workspace picker: which workspace is open, the recent ones, and opening or creating another (a folder on
 * the host: typed in a browser, chosen in a dialog in the desktop app). On the first start, when the host had to
 * create a default workspace nobody chose, the picker opens by itself so the user decides where work is kept.
 */
import type { LobuleApi, RecentWorkspaces } from '../../../engine/api/contract.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { Messages } from '../app/messages.svelte.js';
import type { UiState } from '../app/ui.svelte.js';
import type { WorkspaceState } from '../app/workspace.svelte.js';

export interface WorkspacesDeps {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly cases: CaseState;
  readonly workspace: WorkspaceState;
  readonly ui: UiState;
}

export class Workspaces {
  pickerOpen = $state(false);
  /** The host created the open workspace as a default on this start: the picker says so and asks. */
  firstStart = $state(false);
  recent = $state.raw<RecentWorkspaces | null>(null);
  path = $state('');
  readonly #d: WorkspacesDeps;

  constructor(deps: WorkspacesDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    await this.refresh();
    if (this.recent?.createdByDefault) {
      this.firstStart = true;
      this.pickerOpen = true;
    }
  }

  async refresh(): Promise<void> {
    try {
      this.recent = await this.#d.api.workspace.recent();
    } catch (e) {
      this.#d.messages.error(e, 'Reading the recent workspaces');
    }
  }

  async show(): Promise<void> {
    this.path = '';
    this.pickerOpen = true;
    await this.refresh();
  }

  /** Keeps the workspace the host created on the first start. */
  keep(): void {
    this.firstStart = false;
    this.pickerOpen = false;
  }

  /** Opens the workspace in `path` on the host (a folder without one gets a new, empty workspace). */
  async choose(path: string): Promise<void> {
    const { api, cases, messages, workspace, ui } = this.#d;
    const target = path.trim();
    if (!target) return;
    if (!(await cases.guardUnsaved('open another workspace'))) return;
    ui.busy = `Opening workspace ${target}…`;
    try {
      const info = await api.workspace.open({ path: target });
      cases.session?.dispose();
      cases.session = null;
      workspace.info = info;
      await Promise.all([workspace.refreshCases(), workspace.refreshModels()]);
      this.pickerOpen = false;
      this.firstStart = false;
      await this.refresh();
      messages.info('Workspace open', `${info.name}: ${info.caseCount} ${info.caseCount === 1 ? 'case' : 'cases'} (${info.root})`);
      const first = workspace.cases.find((c) => c.id === info.reopenCase);
      if (first) await cases.openCase(first.id);
    } catch (e) {
      messages.error(e, `Opening workspace ${target}`);
    } finally {
      ui.busy = null;
    }
  }

  /** Desktop app: a folder dialog. */
  async pickFolder(): Promise<void> {
    try {
      const { paths } = await this.#d.api.dialogs.pick({ purpose: 'open-workspace' });
      if (paths[0]) await this.choose(paths[0]);
    } catch (e) {
      this.#d.messages.error(e, 'Choosing a folder');
    }
  }
}
