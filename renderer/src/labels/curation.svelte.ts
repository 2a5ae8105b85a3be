/**
 * Label curation of the open case and of the workspace: the workspace's named labels (every case shows them all,
 * in value order and colour), the auto-segment proposal shown beside the labels with Accept / Discard, and the
 * label history with compare and revert. Nothing here changes a label or a status without an explicit user
 * action, and whatever would change a verified case asks first.
 */
import type { LabelComparison, LabelVersion, LobuleApi, NamedLabel, ProposalInfo } from '../../../engine/api/contract.js';
import { diffLabelmaps } from '../../../engine/common/label-diff.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { Messages } from '../app/messages.svelte.js';
import type { WorkspaceState } from '../app/workspace.svelte.js';
import type { ViewerState } from '../viewer/viewerState.svelte.js';

export interface CurationDeps {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly cases: CaseState;
  readonly viewer: ViewerState;
  readonly workspace: WorkspaceState;
}

/** Two labelmaps of the open case side by side: the current labels and a proposal, or two saved versions. */
export interface Comparison {
  readonly kind: 'proposal' | 'versions';
  readonly caseId: string;
  readonly beforeName: string;
  readonly afterName: string;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
  readonly result: Pick<LabelComparison, 'labels' | 'changedVoxels'>;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function rgbToHex(rgb: readonly number[]): string {
  return '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}

/** "1 voxel", "2 voxels". */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}

export class Curation {
  labels = $state.raw<readonly NamedLabel[]>([]);
  proposal = $state.raw<ProposalInfo | null>(null);
  history = $state.raw<readonly LabelVersion[]>([]);
  comparison = $state.raw<Comparison | null>(null);
  historyOpen = $state(false);
  /** Versions ticked in the history for a compare (at most two, oldest first). */
  picked = $state.raw<readonly string[]>([]);
  busy = $state(false);
  /** The proposal's voxels (a plain field: 78 MB must not become deep state). */
  proposalLabels: Uint8Array | null = null;
  #caseId: string | null = null;
  readonly #d: CurationDeps;

  constructor(deps: CurationDeps) {
    this.#d = deps;
  }

  /** Follows the host: label names and the open case's proposal and history are re-read when they change. */
  start(): void {
    this.#d.api.on('workspace.didChange', (e) => {
      // Another workspace may hold a case with the same id: re-read the open case's proposal and history too.
      if (e.what === 'workspace') void this.refreshLabels().then(() => this.refreshCase());
      if (this.#caseId && (e.what === 'labels' || e.what === 'status') && (!e.caseIds || e.caseIds.includes(this.#caseId)))
        void this.refreshCase();
    });
    void this.refreshLabels();
  }

  /** The case now open (from an effect on the session); null when none. */
  follow(caseId: string | null): void {
    if (caseId === this.#caseId) return;
    this.#caseId = caseId;
    this.proposal = null;
    this.proposalLabels = null;
    this.history = [];
    this.picked = [];
    this.comparison = null;
    if (caseId) void this.refreshCase();
  }

  async refreshLabels(): Promise<void> {
    try {
      this.labels = await this.#d.api.workspace.labels();
      for (const l of this.labels) if (l.color) this.#d.viewer.setSegmentColor(l.value, hexToRgb(l.color));
    } catch (e) {
      this.#d.messages.error(e, 'Reading the workspace labels');
    }
  }

  async refreshCase(): Promise<void> {
    const caseId = this.#caseId;
    if (!caseId) return;
    try {
      const [proposal, history] = await Promise.all([this.#d.api.labels.proposal({ caseId }), this.#d.api.labels.history({ caseId })]);
      const bytes = proposal ? new Uint8Array(await this.#d.api.labels.proposalBytes({ caseId })) : null;
      if (caseId !== this.#caseId) return;
      this.proposalLabels = bytes;
      this.proposal = proposal;
      this.history = history;
      this.picked = this.picked.filter((id) => history.some((v) => v.id === id));
    } catch (e) {
      // A read for a case that is no longer open (a workspace switch closed it while the read was in flight) answers
      // a question nobody asks any more: whatever it failed with is not the user's to read.
      if (caseId !== this.#caseId) return;
      // The open case is not in this workspace (another one was opened, or the case went to the trash): nothing of
      // it is shown any more, which is not an error the user has to read.
      if ((e as { code?: string }).code === 'E_NOT_FOUND') {
        this.proposal = null;
        this.proposalLabels = null;
        this.history = [];
        this.picked = [];
        return;
      }
      this.#d.messages.error(e, 'Reading the label history');
    }
  }

  // ---- the proposal ------------------------------------------------------------------------------------------

  /** Opens the proposal beside the current labels (the labels on screen, unsaved edits included). */
  compareProposal(): void {
    const session = this.#d.cases.session;
    if (!session || !this.proposal || !this.proposalLabels) return;
    this.comparison = {
      kind: 'proposal',
      caseId: session.caseId,
      beforeName: session.baseVersion ? `current labels (${session.baseVersion}${session.dirty ? ' + edits' : ''})` : 'current labels',
      afterName: `proposal of ${this.proposal.source.slice('model:'.length)}`,
      before: session.labels,
      after: this.proposalLabels,
      result: diffLabelmaps(session.labels, this.proposalLabels),
    };
  }

  /** Asks before anything replaces the labels of a verified case; false when the user says no. */
  async #confirmVerified(action: string, what: string): Promise<boolean> {
    if (this.#d.cases.currentCase?.status !== 'verified') return true;
    const choice = await this.#d.messages.ask(
      'This changes a verified label',
      `${this.#d.cases.currentCase.name} is verified. ${what} makes a new label version and the case is no longer verified ` +
        '(it leaves training and validation until you verify it again). The verified version stays in the history.',
      [
        { id: 'go', label: action, primary: true },
        { id: 'cancel', label: 'Cancel' },
      ],
    );
    return choice === 'go';
  }

  /** Accept: the proposal becomes a new version (parent: the latest; source: the model) shown in the editor. */
  async accept(): Promise<void> {
    const { api, cases, messages, workspace } = this.#d;
    const session = cases.session;
    if (!session || !this.proposal) return;
    if (!(await this.#confirmVerified('Accept', 'Accepting the proposal'))) return;
    if (!(await cases.guardUnsaved('accept the proposal'))) return;
    this.busy = true;
    try {
      const v = await api.labels.acceptProposal({ caseId: session.caseId });
      await this.#show(v);
      this.comparison = null;
      messages.info(
        'Proposal accepted',
        v.unchanged ? `It equals ${v.id}; nothing was saved` : `Saved as ${v.id} (draft); correct it, then Verify`,
      );
      await workspace.refreshCases();
      await this.refreshCase();
    } catch (e) {
      messages.error(e, 'Accepting the proposal');
    } finally {
      this.busy = false;
    }
  }

  async discard(): Promise<void> {
    const session = this.#d.cases.session;
    if (!session) return;
    try {
      await this.#d.api.labels.discardProposal({ caseId: session.caseId });
      this.comparison = null;
      this.#d.messages.info('Proposal discarded', 'The labels were not changed');
      await this.refreshCase();
    } catch (e) {
      this.#d.messages.error(e, 'Discarding the proposal');
    }
  }

  /** Loads a saved version into the editor (no undo step) and redraws it. */
  async #show(v: LabelVersion): Promise<void> {
    const session = this.#d.cases.session;
    if (!session || session.caseId !== v.caseId) return;
    const bytes = await this.#d.api.volumes.labelBytes({ caseId: v.caseId, version: v.id });
    session.loadLabels(bytes, v.id, false);
    this.#d.viewer.engine.labelsChanged(session.editor.takeDirtySlices(), true);
  }

  // ---- history -----------------------------------------------------------------------------------------------

  /** Ticks or unticks a version for comparing (the two most recent ticks count). */
  pick(id: string): void {
    const next = this.picked.includes(id) ? this.picked.filter((x) => x !== id) : [...this.picked, id].slice(-2);
    const order = this.history.map((v) => v.id);
    this.picked = next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }

  /** Shows two versions overlaid: voxels added and removed from `before` to `after`, and their Dice. */
  async compareVersions(before: string, after: string): Promise<void> {
    const caseId = this.#caseId;
    if (!caseId) return;
    this.busy = true;
    try {
      const { api } = this.#d;
      const [result, a, b] = await Promise.all([
        api.labels.compare({ caseId, before, after }),
        api.volumes.labelBytes({ caseId, version: before }),
        api.volumes.labelBytes({ caseId, version: after }),
      ]);
      this.comparison = {
        kind: 'versions',
        caseId,
        beforeName: before,
        afterName: after,
        before: new Uint8Array(a),
        after: new Uint8Array(b),
        result,
      };
    } catch (e) {
      this.#d.messages.error(e, `Comparing ${before} and ${after}`);
    } finally {
      this.busy = false;
    }
  }

  /** Revert = a new version copying `version` (nothing is deleted); asks first on a verified case. */
  async revert(version: string): Promise<void> {
    const { api, cases, messages, workspace } = this.#d;
    const session = cases.session;
    if (!session) return;
    if (!(await this.#confirmVerified(`Revert to ${version}`, `Reverting to ${version}`))) return;
    if (!(await cases.guardUnsaved(`revert to ${version}`))) return;
    try {
      const v = await api.labels.revert({ caseId: session.caseId, version });
      if (v.unchanged) {
        messages.info('Nothing to revert', `The latest version already holds the labels of ${version}`);
        return;
      }
      await this.#show(v);
      messages.info('Reverted', `Saved ${v.id}, a copy of ${version}`);
      await workspace.refreshCases();
      await this.refreshCase();
    } catch (e) {
      messages.error(e, `Reverting to ${version}`);
    }
  }

  // ---- workspace label names ---------------------------------------------------------------------------------

  async addLabel(name: string, color?: string): Promise<NamedLabel | null> {
    try {
      const l = await this.#d.api.workspace.addLabel({ name, color });
      await this.refreshLabels();
      return l;
    } catch (e) {
      this.#d.messages.error(e, `Adding label '${name}'`);
      return null;
    }
  }

  async updateLabel(value: number, change: { name?: string; color?: string }): Promise<void> {
    try {
      await this.#d.api.workspace.updateLabel({ value, ...change });
      if (change.color) this.#d.viewer.setSegmentColor(value, hexToRgb(change.color));
      await this.refreshLabels();
    } catch (e) {
      this.#d.messages.error(e, 'Changing the label');
      await this.refreshLabels();
    }
  }

  /** Removes a label name workspace-wide; when it has voxels, says how many and asks first. */
  async removeLabel(value: number): Promise<void> {
    const { api, messages } = this.#d;
    const label = this.labels.find((l) => l.value === value);
    try {
      const usage = await api.workspace.labelUsage({ value });
      if (usage.voxels > 0) {
        const choice = await messages.ask(
          `Remove label '${label?.name ?? value}'?`,
          `It has ${plural(usage.voxels, 'voxel')} in ${plural(usage.cases.length, 'case')}. The name goes from every case; ` +
            'the voxels stay in the saved versions and show as an unnamed value until you erase them.',
          [
            { id: 'remove', label: 'Remove the name', primary: true },
            { id: 'cancel', label: 'Cancel' },
          ],
        );
        if (choice !== 'remove') return;
      }
      await api.workspace.removeLabel({ value, confirmVoxels: usage.voxels });
      await this.refreshLabels();
    } catch (e) {
      messages.error(e, 'Removing the label');
    }
  }
}
