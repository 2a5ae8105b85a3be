/**
 * The Evaluate panel's state: runs an evaluate job on a split (the test split only when picked), follows its
 * progress, cancels it, keeps the result table sortable by any metric, opens a case at its worst slice, and
 * opens the job's HTML report.
 */
import {
  ApiError,
  type EvaluateResult,
  type EvaluatedCase,
  type EvaluatedLabel,
  type JobInfo,
  type LobuleApi,
} from '../../../engine/api/contract.js';
import { watchJob } from '../app/jobWatcher.js';
import type { Messages } from '../app/messages.svelte.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { ViewerState } from '../viewer/viewerState.svelte.js';

export type EvaluateSplit = 'val' | 'test' | 'train';
export type SortKey = 'caseId' | 'role' | 'dice' | 'iou' | 'hd95Mm' | 'assdMm' | 'nsd' | 'volumeDifferenceMl';

/** One table row: a case and its first label (liver); multi-label models show one row per label. */
export interface EvaluateRow {
  readonly key: string;
  readonly case: EvaluatedCase;
  readonly label: EvaluatedLabel;
}

export interface EvaluateDeps {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly cases: CaseState;
  readonly viewer: ViewerState;
}

const ROLE_ORDER = ['train', 'selection', 'heldOut'];

export class EvaluateState {
  split = $state<EvaluateSplit>('val');
  /** A model id, or '' for the active model. */
  modelId = $state('');
  job = $state.raw<JobInfo | null>(null);
  fraction = $state(0);
  stage = $state('');
  result = $state.raw<EvaluateResult | null>(null);
  sortKey = $state<SortKey>('dice');
  /** Worst first: ascending for Dice-like metrics, descending for distances. */
  ascending = $state(true);
  readonly running = $derived(this.job !== null);
  readonly rows: readonly EvaluateRow[] = $derived(this.#sorted());
  #stop: (() => void) | undefined;
  readonly #deps: EvaluateDeps;

  constructor(deps: EvaluateDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    const { api, messages } = this.#deps;
    try {
      this.fraction = 0;
      this.stage = 'queued';
      const job = await api.jobs.evaluate({ split: this.split, ...(this.modelId ? { modelId: this.modelId } : {}) });
      this.job = job;
      this.#stop = watchJob(api, job, {
        progress: (p) => {
          this.fraction = p.fraction;
          this.stage = p.stage;
        },
        done: (info) => {
          this.job = null;
          this.#stop = undefined;
          if (info.state === 'succeeded' && info.result?.kind === 'evaluate') this.result = info.result;
          else if (info.state === 'failed')
            messages.error(info.error ? new ApiError(info.error) : new Error('evaluation failed'), 'Evaluation');
        },
      });
    } catch (e) {
      this.job = null;
      messages.error(e, 'Starting the evaluation');
    }
  }

  async cancel(): Promise<void> {
    if (this.job)
      await this.#deps.api.jobs.cancel({ jobId: this.job.id }).catch((e: unknown) => this.#deps.messages.error(e, 'Cancelling'));
  }

  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.ascending = !this.ascending;
    else {
      this.sortKey = key;
      this.ascending = !(key === 'hd95Mm' || key === 'assdMm');
    }
  }

  /** Opens the case and moves the axial view to the slice where the model disagrees most with the reference. */
  async openAtWorstSlice(c: EvaluatedCase): Promise<void> {
    const { cases, viewer } = this.#deps;
    await cases.openCase(c.caseId);
    const k = c.worstSlices[0];
    if (k === undefined || cases.session?.caseId !== c.caseId || !viewer.ready) return;
    // The new case's cameras are set by its first render; stepping before it would be undone.
    await Promise.race([viewer.engine.nextRender('axial'), new Promise((r) => setTimeout(r, 500))]);
    const info = viewer.engine.viewInfo('axial');
    if (info && info.slice.axis === c.sliceAxis) viewer.engine.step('axial', k - info.slice.index);
  }

  /** Opens the self-contained report in a new browser tab or window. */
  async openReport(): Promise<void> {
    if (!this.result) return;
    // Opened now, while the click still counts as a user gesture (popup blockers); filled when the page arrives.
    const win = window.open('about:blank', '_blank');
    try {
      const { html, path } = await this.#deps.api.reports.html({ reportId: this.result.reportId });
      // The desktop app opens no second window: name the file, which any browser shows as it is.
      if (!win) return this.#deps.messages.info('Evaluation report', `Open ${path} in a web browser.`);
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      win.opener = null;
      win.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      win?.close();
      this.#deps.messages.error(e, 'Opening the report');
    }
  }

  dispose(): void {
    this.#stop?.();
  }

  #sorted(): EvaluateRow[] {
    const r = this.result;
    if (!r) return [];
    const rows = r.cases.flatMap((c) => c.labels.map((label) => ({ key: `${c.caseId}:${label.label}`, case: c, label })));
    const key = this.sortKey;
    const value = (row: EvaluateRow): number | string | null =>
      key === 'caseId' ? row.case.caseId : key === 'role' ? ROLE_ORDER.indexOf(row.case.role) : row.label[key];
    const dir = this.ascending ? 1 : -1;
    return rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null) return 1; // "—" (no distance: one mask empty) always last
      if (y === null) return -1;
      return dir * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
    });
  }
}
