/**
 * Local AI correction in the Segment editor: a click (or a drag) on a mis-segmented spot shows, in a ball around
 * it, the model's own answer at a threshold the user turns with the wheel or the slider — read from the
 * probabilities the case's last auto-segment stored (labels.probabilities), so no network runs. The preview is
 * one undo step of the case's LabelmapEditor, replaced on every threshold change; Accept keeps it (Ctrl+Z still
 * undoes it), Cancel undoes it. The voxel work is engine/common/edit/localThreshold.ts.
 */
import type { LobuleApi, ProbabilityMapInfo } from '../../../engine/api/contract.js';
import type { LabelGrid } from '../../../engine/common/edit/grid.js';
import { applyLocalThreshold, type StoredProbabilities } from '../../../engine/common/edit/localThreshold.js';
import type { EditPolicy, EditResult } from '../../../engine/common/edit/policy.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { Messages } from '../app/messages.svelte.js';
import type { CaseSession } from './caseSession.svelte.js';
import type { EditTools } from './editTools.svelte.js';
import type { ViewPoint, ViewPointer } from './viewPointer.js';

type Ijk = readonly [number, number, number];

export interface AiCorrectionDeps {
  readonly api: LobuleApi;
  readonly cases: CaseState;
  readonly tools: EditTools;
  readonly messages: Messages;
  readonly pointer: ViewPointer;
  /** The Segment editor's policy, view refresh and result line (one of each for every effect). */
  policy(session: CaseSession): EditPolicy;
  refresh(session: CaseSession): void;
  report(what: string, session: CaseSession, result: EditResult, ms: number): void;
}

/** Threshold change per wheel notch (Shift: fine). */
const WHEEL_STEP = 0.05;
const WHEEL_FINE_STEP = 0.01;

interface Preview {
  readonly session: CaseSession;
  readonly maps: StoredProbabilities;
  readonly centres: Ijk[];
  /** The editor's state right after the preview's undo step (null: the preview changed nothing, no step). */
  stateId: number | null;
}

export class AiCorrection {
  /** The probability above which a voxel joins the segment (0…1); starts at the model card's threshold. */
  threshold = $state(0.5);
  /** Radius of the ball around each click (mm). */
  radiusMm = $state(15);
  active = $state(false);
  loading = $state(false);
  /** What the stored maps are (model, date), for the panel. */
  info = $state.raw<ProbabilityMapInfo | null>(null);

  readonly #deps: AiCorrectionDeps;
  #cache: { caseId: string; createdAt: string; maps: StoredProbabilities } | null = null;
  #preview: Preview | null = null;
  #dragging = false;

  constructor(deps: AiCorrectionDeps) {
    this.#deps = deps;
  }

  /** Takes clicks, drags and the wheel on the 2D views (while no brush tool is active). */
  capture(): void {
    this.#deps.pointer.capture({
      enabled: () => !this.#deps.tools.edits,
      down: (p) => void this.#press(p),
      move: (p) => this.#drag(p),
      up: () => this.#release(),
      wheel: (_, e) => {
        if (!this.#preview) return false;
        const step = e.shiftKey ? WHEEL_FINE_STEP : WHEEL_STEP;
        // Wheel up lowers the threshold: the segment grows, as "more" reads on a wheel.
        this.setThreshold(this.threshold + (e.deltaY < 0 ? -step : step));
        return true;
      },
    });
  }

  setThreshold(value: number): void {
    this.threshold = Math.round(Math.min(0.99, Math.max(0.01, value)) * 100) / 100;
    if (this.#preview) this.#show('AI correction: preview');
  }

  /** Keeps the preview (one undo step in the history). */
  accept(): void {
    const preview = this.#preview;
    if (!preview) return;
    this.#end();
    this.#deps.messages.info('AI correction', `Accepted at threshold ${this.threshold.toFixed(2)}`);
  }

  /** Takes the preview back, if it is still the last step. */
  cancel(): void {
    const preview = this.#preview;
    if (!preview) return;
    this.#end();
    const editor = preview.session.editor;
    if (preview.stateId !== null && editor.stateId === preview.stateId && editor.undo()) this.#deps.refresh(preview.session);
  }

  /** Leaves the effect: a shown preview stays (as on Accept). */
  dispose(): void {
    this.#end();
  }

  #end(): void {
    this.#preview = null;
    this.active = false;
    this.#dragging = false;
  }

  async #press(point: ViewPoint): Promise<void> {
    const session = this.#deps.cases.session;
    if (!session || this.loading) return;
    const centre: Ijk = [point.ijk[0], point.ijk[1], point.ijk[2]];
    const preview = this.#preview;
    this.#dragging = true;
    if (preview && preview.session === session && (preview.stateId === null || session.editor.stateId === preview.stateId)) {
      preview.centres.push(centre); // a further click or drag extends the region of the shown preview
      this.#show('AI correction: preview');
      return;
    }
    const maps = await this.#mapsFor(session);
    if (!maps || this.#deps.cases.session !== session) return;
    this.#preview = { session, maps, centres: [centre], stateId: null };
    this.active = true;
    this.#show('AI correction: preview');
  }

  #drag(point: ViewPoint): void {
    const preview = this.#preview;
    if (!this.#dragging || !preview) return;
    const last = preview.centres.at(-1);
    const spacing = preview.session.editor.spacing;
    const mm = last ? Math.hypot(...[0, 1, 2].map((a) => (point.ijk[a] - last[a]) * spacing[a])) : Infinity;
    if (mm >= this.radiusMm / 2) preview.centres.push([point.ijk[0], point.ijk[1], point.ijk[2]]);
  }

  #release(): void {
    if (!this.#dragging) return;
    this.#dragging = false;
    if (this.#preview && this.#preview.centres.length > 1) this.#show('AI correction: preview');
  }

  /** Replaces the preview's undo step by the region thresholded at the current threshold. */
  #show(what: string): void {
    const preview = this.#preview;
    if (!preview) return;
    const { session, maps } = preview;
    const editor = session.editor;
    const started = performance.now();
    if (preview.stateId !== null && editor.stateId === preview.stateId) editor.undo();
    const grid: LabelGrid = { labels: editor.labels, dims: editor.dims, spacing: editor.spacing };
    editor.beginStroke();
    let result: EditResult;
    try {
      const region = { centres: preview.centres, radiusMm: this.radiusMm };
      result = applyLocalThreshold(grid, maps, this.#deps.tools.segment, region, this.threshold, this.#deps.policy(session), (p, v) =>
        editor.write(p, v),
      );
    } catch (e) {
      editor.endStroke();
      this.#end();
      this.#deps.refresh(session);
      this.#deps.messages.error(e, 'AI correction');
      return;
    }
    editor.endStroke();
    preview.stateId = result.changed > 0 ? editor.stateId : null;
    this.#deps.refresh(session);
    this.#deps.report(`${what} at ${this.threshold.toFixed(2)}`, session, result, performance.now() - started);
  }

  /** The case's stored maps, fetched once per auto-segment run; null (with a message) when there are none. */
  async #mapsFor(session: CaseSession): Promise<StoredProbabilities | null> {
    const { api, messages } = this.#deps;
    this.loading = true;
    try {
      const info = await api.labels.probabilities({ caseId: session.caseId });
      if (!info) {
        messages.error(
          new Error('this case has no model probabilities: run Auto-segment on it first (they are kept from its last run)'),
          'AI correction',
        );
        return null;
      }
      if (info.dims.some((d, a) => d !== session.editor.dims[a])) {
        messages.error(new Error('the stored probabilities lie on another grid than this case: run Auto-segment again'), 'AI correction');
        return null;
      }
      const cached = this.#cache;
      if (cached && cached.caseId === session.caseId && cached.createdAt === info.createdAt) return cached.maps;
      const data = new Uint8Array(await api.labels.probabilityBytes({ caseId: session.caseId }));
      const maps: StoredProbabilities = { box: info.box, values: info.values, data, scale: info.scale };
      this.#cache = { caseId: session.caseId, createdAt: info.createdAt, maps };
      if (this.info?.createdAt !== info.createdAt) this.threshold = info.threshold;
      this.info = info;
      return maps;
    } catch (e) {
      messages.error(e, 'AI correction: reading the model probabilities');
      return null;
    } finally {
      this.loading = false;
    }
  }
}
