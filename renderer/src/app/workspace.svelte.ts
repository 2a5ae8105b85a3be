/**
 * The workspace as the UI sees it: its info, case list and models, refreshed when the host says they changed.
 * Panels that list cases or models read this; nothing here knows about the opened case.
 */
import type { CaseSummary, LobuleApi, ModelSummary, WorkspaceInfo } from '../../../engine/api/contract.js';
import type { Messages } from './messages.svelte.js';

export class WorkspaceState {
  info = $state.raw<WorkspaceInfo | null>(null);
  /** Whether the host has native file dialogs (Electron); in a browser, paths are typed or files uploaded. */
  nativeDialogs = $state(false);
  cases = $state.raw<readonly CaseSummary[]>([]);
  models = $state.raw<readonly ModelSummary[]>([]);
  readonly activeModel = $derived(this.models.find((m) => m.active) ?? null);
  /** Called after each model refresh with the models and the id that was active before (pickers follow it). */
  onModels: (models: readonly ModelSummary[], previousActive: string | null) => void = () => undefined;

  readonly #api: LobuleApi;
  readonly #messages: Messages;

  constructor(api: LobuleApi, messages: Messages) {
    this.#api = api;
    this.#messages = messages;
  }

  /** Reads info, cases and models and follows the host's change events; resolves once info and cases are in. */
  async load(): Promise<{ info: WorkspaceInfo; cases: readonly CaseSummary[]; models: Promise<void> }> {
    this.#api.on('workspace.didChange', (e) => {
      if (e.what === 'models') void this.refreshModels();
      else void this.refreshCases();
    });
    // The models are not needed to show the first slice: read them while the first case opens.
    const models = this.refreshModels();
    void this.#api.host.info().then(
      (h) => (this.nativeDialogs = h.nativeDialogs),
      (e: unknown) => this.#messages.error(e, 'Reading the host info'),
    );
    const [info, cases] = await Promise.all([this.#api.workspace.info(), this.#api.workspace.cases()]);
    this.info = info;
    this.cases = cases;
    return { info, cases, models };
  }

  async refreshCases(): Promise<void> {
    try {
      this.cases = await this.#api.workspace.cases();
    } catch (e) {
      this.#messages.error(e, 'Reading the case list');
    }
  }

  async refreshModels(): Promise<void> {
    try {
      const models = await this.#api.models.list();
      const previousActive = this.activeModel?.id ?? null;
      this.models = models;
      this.onModels(models, previousActive);
    } catch (e) {
      this.#messages.error(e, 'Reading the models');
    }
  }

  async setActiveModel(modelId: string): Promise<void> {
    try {
      await this.#api.models.setActive({ modelId });
      await this.refreshModels();
    } catch (e) {
      this.#messages.error(e, 'Setting the active model');
    }
  }
}
