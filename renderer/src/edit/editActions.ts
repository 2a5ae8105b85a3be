/**
 * Edits of the open case that are not brush strokes: undo / redo, whole-labelmap operations and loading an
 * auto-segment draft. Each ends by telling the viewer which slices changed and the session that it changed.
 */
import { ApiError, type JobInfo, type LobuleApi } from '../../../engine/api/contract.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { Messages } from '../app/messages.svelte.js';
import type { WorkspaceState } from '../app/workspace.svelte.js';
import type { ViewerState } from '../viewer/viewerState.svelte.js';
import type { AutoSegment } from './autoSegment.svelte.js';
import type { CaseSession } from './caseSession.svelte.js';
import type { EditTools } from './editTools.svelte.js';
import { keepLargestComponent } from '../../../engine/common/connected-components.js';
import { fillHoles } from '../../../engine/common/morphology.js';
import { applyInterpolation } from '../../../engine/common/edit/interpolate.js';
import { DEFAULT_POLICY } from '../../../engine/common/edit/policy.js';

export type MorphologyOp = 'fillHoles' | 'keepLargestIsland' | 'interpolate';

export interface EditActionsDeps {
  readonly api: LobuleApi;
  readonly messages: Messages;
  readonly workspace: WorkspaceState;
  readonly cases: CaseState;
  readonly viewer: ViewerState;
  readonly tools: EditTools;
  readonly segmenter: AutoSegment;
}

export class EditActions {
  readonly #deps: EditActionsDeps;

  constructor(deps: EditActionsDeps) {
    this.#deps = deps;
  }

  undo(): void {
    this.#historyStep((editor) => editor.undo());
  }

  redo(): void {
    this.#historyStep((editor) => editor.redo());
  }

  #historyStep(step: (editor: CaseSession['editor']) => boolean): void {
    const session = this.#deps.cases.session;
    if (!session || !step(session.editor)) return;
    this.#deps.viewer.engine.labelsChanged(session.editor.takeDirtySlices(), true);
    session.changed();
  }

  /** Runs a whole-labelmap operation on the selected segment as one undo step. */
  runOperation(op: MorphologyOp): void {
    const session = this.#deps.cases.session;
    if (!session) return;
    const { labels, dims } = session.editor;
    const value = this.#deps.tools.segment;
    if (op === 'interpolate') return this.#interpolate(session, value);
    const next = labels.slice();
    if (op === 'fillHoles') fillHoles(next, dims, value, { dimension: 'axial-slices' });
    if (op === 'keepLargestIsland') keepLargestComponent(next, dims, value);
    const changed = session.editor.replaceAll(next);
    const slices = session.editor.takeDirtySlices();
    this.#deps.viewer.engine.labelsChanged(slices, true);
    session.changed();
    // Say how much changed and where, so a user can check it (fill holes works per axial slice, islands in 3-D).
    const ml = ((changed * session.voxelMm3) / 1000).toFixed(2);
    const where = slices.length ? `axial slices ${Math.min(...slices) + 1}–${Math.max(...slices) + 1}` : 'no slice';
    const how = op === 'fillHoles' ? 'holes filled per axial slice' : 'islands removed in 3-D';
    this.#deps.messages.info(
      op === 'fillHoles' ? 'Fill holes' : 'Keep largest island',
      `${changed.toLocaleString()} voxels (${ml} mL) changed in segment ${value}, ${how}, on ${where}`,
    );
  }

  /**
   * Label-aware interpolation of the selected segment between its drawn axial slices: it fills those slices'
   * gaps whatever other segments are there (overwrite all; the Segment editor's Interpolate offers the other
   * rules), and says so.
   */
  #interpolate(session: CaseSession, value: number): void {
    const editor = session.editor;
    editor.beginStroke();
    const result = applyInterpolation(
      { labels: editor.labels, dims: editor.dims, spacing: editor.spacing },
      value,
      DEFAULT_POLICY,
      (p, v) => editor.write(p, v),
    );
    editor.endStroke();
    this.#deps.viewer.engine.labelsChanged(editor.takeDirtySlices(), true);
    session.changed();
    const ml = ((result.added * session.voxelMm3) / 1000).toFixed(2);
    this.#deps.messages.info(
      'Interpolated',
      `${result.added.toLocaleString()} voxels (${ml} mL) added to segment ${value} between its drawn axial slices, over other ` +
        `segments too`,
    );
  }

  async autoSegment(): Promise<void> {
    const { cases, segmenter, messages } = this.#deps;
    const session = cases.session;
    if (!session) return;
    try {
      // The result is a proposal shown beside the labels (labels/curation.svelte.ts): edits in progress stay.
      await segmenter.start(session.caseId, (job) => this.#segmentDone(job));
    } catch (e) {
      messages.error(e, 'Starting auto-segment');
    }
  }

  #segmentDone(job: JobInfo): void {
    const { messages } = this.#deps;
    if (job.state === 'cancelled') return messages.info('Auto-segment cancelled', 'The labels were not changed');
    if (job.state !== 'succeeded' || job.result?.kind !== 'segment') {
      return messages.error(job.error ? new ApiError(job.error) : new Error('the job ended without a result'), 'Auto-segment');
    }
    messages.info('Auto-segment finished', 'Its proposal is shown beside your labels: compare it, then Accept or Discard');
  }
}
