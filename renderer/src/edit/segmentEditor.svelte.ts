/**
 * The Segment Editor panel's state and actions: which effect is open, its parameters, the edit policy (editable
 * area and overwrite rule) and the grow-from-seeds preview. The voxel work is engine/common/edit's; this class
 * wires it to the open case: every effect writes through the case's LabelmapEditor as one undo step, tells the
 * viewer which slices changed and reports the voxels and mL it changed.
 */
import { cropToBox, type Box, type LabelGrid } from '../../../engine/common/edit/grid.js';
import { applyHollow, applyMargin, type ShellSide } from '../../../engine/common/edit/margin.js';
import { applyJointSmoothing, applySmoothing, type SmoothingMethod } from '../../../engine/common/edit/smoothing.js';
import { applyLogical, type LogicalOp } from '../../../engine/common/edit/logical.js';
import { applyIslands, type IslandOp } from '../../../engine/common/edit/islands.js';
import { applyScissors, planeAxes, type ScissorsCut } from '../../../engine/common/edit/scissors.js';
import { applyInterpolation, type SliceAxis } from '../../../engine/common/edit/interpolate.js';
import { commitGrowth, growBoxForSeeds, SeedGrowth } from '../../../engine/common/edit/growFromSeeds.js';
import {
  commitLabels,
  VoxelFilter,
  type EditPolicy,
  type EditResult,
  type OverwriteRule,
  type VoxelWriter,
} from '../../../engine/common/edit/policy.js';
import type { CaseState } from '../app/caseState.svelte.js';
import type { Messages } from '../app/messages.svelte.js';
import type { ViewerState } from '../viewer/viewerState.svelte.js';
import type { CaseSession } from './caseSession.svelte.js';
import type { EditTools } from './editTools.svelte.js';
import type { EffectId } from './segmentEffects.js';
import { ViewPointer, type ViewPoint } from './viewPointer.js';
import { AiCorrection } from './aiCorrection.svelte.js';
import type { LobuleApi } from '../../../engine/api/contract.js';

export interface SegmentEditorDeps {
  readonly api: LobuleApi;
  readonly cases: CaseState;
  readonly viewer: ViewerState;
  readonly tools: EditTools;
  readonly messages: Messages;
}

/** The live grow-from-seeds preview: the growth, the box it covers and what the labelmap held there before. */
interface GrowPreview {
  readonly session: CaseSession;
  readonly growth: SeedGrowth;
  readonly box: Box;
  /** The box's labels before the first preview (restored, plus seeds, on Cancel). */
  readonly original: Uint8Array;
  /** The box's labels right after the last preview write: voxels that differ since are the user's new strokes. */
  shown: Uint8Array;
}

export type ScissorsShape = 'freehand' | 'polygon';

export class SegmentEditor {
  effect = $state<EffectId | null>(null);
  // The edit policy (Slicer's masking section).
  areaMode = $state<'everywhere' | 'inside' | 'outside'>('everywhere');
  areaSegment = $state<number | 'any'>('any');
  overwrite = $state<OverwriteRule>('all');
  // Effect parameters.
  marginMm = $state(3);
  smoothingMethod = $state<SmoothingMethod | 'joint'>('median');
  smoothingMm = $state(3);
  hollowMm = $state(3);
  hollowSide = $state<ShellSide>('inside');
  logicalOp = $state<LogicalOp>('add');
  logicalSource = $state(2);
  islandMinMl = $state(1);
  scissorsAction = $state<'erase' | 'fill'>('erase');
  scissorsRegion = $state<'inside' | 'outside'>('inside');
  scissorsShape = $state<ScissorsShape>('freehand');
  /** 0: through the whole volume; otherwise a slab this thick (mm) centred on the slice drawn on. */
  scissorsSlabMm = $state(0);
  /** Slices interpolated between: 2 axial, 1 coronal, 0 sagittal. */
  interpolationAxis = $state<SliceAxis>(2);
  /** Grow from seeds: intensity difference (HU) that costs as much as one voxel step. */
  growStep = $state(1);
  /** Whether the next click on a view keeps the island under it. */
  pickingIsland = $state(false);
  /** The polygon being drawn (canvas px) and its view, for the overlay. */
  drawing = $state.raw<{ view: ViewPoint['view']; rect: DOMRect; points: readonly (readonly [number, number])[] } | null>(null);
  /** Summary of the last operation ("12,345 voxels (9.6 mL) changed"). */
  lastResult = $state<string | null>(null);
  /** Counts reports, so two identical ones are still told apart (tests, screen readers' live region). */
  resultSeq = $state(0);
  growActive = $state(false);
  growBusy = $state(false);
  /** Milliseconds of the last preview computation (first or update). */
  growMs = $state(0);

  readonly #deps: SegmentEditorDeps;
  readonly pointer: ViewPointer;
  /** Local AI correction (its own state: threshold, region, preview). */
  readonly ai: AiCorrection;
  #grow: GrowPreview | null = null;
  #drawIjk: (readonly [number, number, number])[] = [];
  #drawNormal: 0 | 1 | 2 = 2;
  #lastRevision = -1;
  #updateTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: SegmentEditorDeps) {
    this.#deps = deps;
    this.pointer = new ViewPointer(deps.viewer.engine);
    this.ai = new AiCorrection({
      ...deps,
      pointer: this.pointer,
      policy: (s) => this.policy(s),
      refresh: (s) => this.#refresh(s),
      report: (what, s, result, ms) => this.#report(what, s, result, ms, false),
    });
  }

  get #session(): CaseSession | null {
    return this.#deps.cases.session;
  }

  get target(): number {
    return this.#deps.tools.segment;
  }

  policy(session: CaseSession): EditPolicy {
    const area = this.areaMode === 'everywhere' ? ({ mode: 'everywhere' } as const) : { mode: this.areaMode, segment: this.areaSegment };
    return { area, overwrite: this.overwrite, hidden: [...this.#deps.viewer.hiddenSegments], locked: [...session.editor.locked] };
  }

  open(effect: EffectId | null): void {
    if (this.effect === effect) return;
    this.cancelDrawing();
    this.ai.dispose();
    this.effect = effect;
    if (effect === 'scissors') this.#captureScissors();
    if (effect === 'ai') this.ai.capture();
  }

  /** Runs the open effect with its parameters (not grow and scissors, which are interactive). */
  apply(): EditResult | null {
    const target = this.target;
    switch (this.effect) {
      case 'margin':
        return this.run('Margin', (g, p, w) => applyMargin(g, target, this.marginMm, p, w));
      case 'smoothing': {
        const method = this.smoothingMethod;
        if (method === 'joint') return this.run('Joint smoothing', (g, p, w) => applyJointSmoothing(g, target, this.smoothingMm, p, w));
        return this.run(`Smoothing (${method})`, (g, p, w) => applySmoothing(g, target, method, this.smoothingMm, p, w));
      }
      case 'hollow':
        return this.run('Hollow', (g, p, w) => applyHollow(g, target, this.hollowMm, this.hollowSide, p, w));
      case 'logical': {
        const op = this.logicalOp;
        return this.run(`Logical ${op}`, (g, p, w) => applyLogical(g, op, target, this.logicalSource, p, w));
      }
      case 'interpolate':
        return this.run('Interpolate', (g, p, w) => applyInterpolation(g, target, p, w, this.interpolationAxis));
      default:
        return null;
    }
  }

  islands(op: IslandOp): void {
    this.run('Islands', (g, p, w) => applyIslands(g, this.target, op, p, w));
  }

  /** The next click on a 2D view keeps the island of the selected segment under it. */
  pickIsland(): void {
    this.pickingIsland = true;
    this.pointer.capture({
      down: (point) => {
        const session = this.#session;
        this.pickingIsland = false;
        this.pointer.release();
        if (!session) return;
        const [nx, ny] = session.editor.dims;
        const [i, j, k] = point.ijk.map(Math.round);
        this.islands({ kind: 'keepSelected', voxel: i + nx * (j + ny * k) });
      },
    });
  }

  /** Runs one effect on the open case as one undo step and reports what it changed. */
  run(what: string, effect: (grid: LabelGrid, policy: EditPolicy, write: VoxelWriter) => EditResult): EditResult | null {
    const session = this.#session;
    if (!session) return null;
    if (this.#grow) this.cancelGrow();
    this.ai.dispose();
    const editor = session.editor;
    const grid: LabelGrid = { labels: editor.labels, dims: editor.dims, spacing: editor.spacing };
    const started = performance.now();
    editor.beginStroke();
    let result: EditResult;
    try {
      result = effect(grid, this.policy(session), (p, v) => editor.write(p, v));
    } catch (e) {
      editor.endStroke();
      this.#refresh(session);
      this.#deps.messages.error(e, what);
      return null;
    }
    editor.endStroke();
    this.#refresh(session);
    this.#report(what, session, result, performance.now() - started);
    return result;
  }

  #refresh(session: CaseSession): void {
    this.#deps.viewer.engine.labelsChanged(session.editor.takeDirtySlices(), true);
    session.changed();
    this.#lastRevision = session.editor.revision;
  }

  /** Sets the panel's result line; `toast` also tells the messages (not for previews that follow the wheel). */
  #report(what: string, session: CaseSession, result: EditResult, ms: number, toast = true): void {
    const ml = (result.changed * session.voxelMm3) / 1000;
    const text =
      `${result.changed.toLocaleString('en-US')} voxels (${ml.toFixed(2)} mL) changed` +
      (result.changed
        ? ` — +${result.added.toLocaleString('en-US')} / −${result.removed.toLocaleString('en-US')} in segment ${this.target}`
        : '') +
      ` · ${Math.round(ms)} ms`;
    this.lastResult = `${what}: ${text}`;
    this.resultSeq++;
    if (toast) this.#deps.messages.info(what, text);
  }

  // ── Grow from seeds ──────────────────────────────────────────────────────────────────────────────────

  /** First preview: every painted segment in the labelmap is a seed; the preview is written as one undo step. */
  startGrow(): void {
    const session = this.#session;
    if (!session || this.growBusy) return;
    if (this.#grow) return this.updateGrow();
    const editor = session.editor;
    const grid: LabelGrid = { labels: editor.labels, dims: editor.dims, spacing: editor.spacing };
    let present = 0;
    for (let v = 1; v < 256; v++) if (editor.counts[v] > 0) present++;
    if (present < 2) {
      this.#deps.messages.error(
        new Error('paint seeds of at least two segments first (e.g. the organ and a background segment around it)'),
        'Grow from seeds',
      );
      return;
    }
    const started = performance.now();
    this.growBusy = true;
    try {
      const box = growBoxForSeeds(grid);
      const growth = new SeedGrowth(session.image, editor.dims, box, { intensityStep: this.growStep });
      growth.addSeedsFrom(grid);
      growth.growFirst();
      const original = cropToBox(editor.labels, editor.dims, box);
      this.#grow = { session, growth, box, original, shown: original };
      this.#writePreview('Grow from seeds: preview', started);
      this.growActive = true;
      this.#watchStrokes();
    } catch (e) {
      this.#deps.messages.error(e, 'Grow from seeds');
    } finally {
      this.growBusy = false;
    }
  }

  /** Takes the strokes painted since the last preview as new seeds and updates the preview incrementally. */
  updateGrow(): void {
    const grow = this.#grow;
    if (!grow || this.#session !== grow.session) return;
    const editor = grow.session.editor;
    const now = cropToBox(editor.labels, editor.dims, grow.box);
    const painted = new Uint8Array(now.length);
    let strokes = 0;
    for (let p = 0; p < now.length; p++) {
      if (now[p] !== grow.shown[p] && now[p] !== 0) {
        painted[p] = 1;
        strokes++;
      }
    }
    if (strokes === 0) return;
    const started = performance.now();
    grow.growth.addSeeds(now, painted);
    grow.growth.grow();
    this.#writePreview('Grow from seeds: preview updated', started);
  }

  #writePreview(what: string, started: number): void {
    const grow = this.#grow;
    if (!grow) return;
    const editor = grow.session.editor;
    const grid: LabelGrid = { labels: editor.labels, dims: editor.dims, spacing: editor.spacing };
    editor.beginStroke();
    const result = commitGrowth(grid, grow.growth, this.target, this.policy(grow.session), (p, v) => editor.write(p, v));
    editor.endStroke();
    grow.shown = cropToBox(editor.labels, editor.dims, grow.box);
    this.#refresh(grow.session);
    this.growMs = performance.now() - started;
    const ml = (editor.counts[this.target] * grow.session.voxelMm3) / 1000;
    this.resultSeq++;
    this.lastResult =
      `${what}: segment ${this.target} ${ml.toFixed(1)} mL, ` +
      `${result.changed.toLocaleString('en-US')} voxels changed · ${Math.round(this.growMs)} ms`;
  }

  /** Keeps the preview: it already is in the labelmap (undo steps back through it). */
  acceptGrow(): void {
    const grow = this.#grow;
    if (!grow) return;
    this.updateGrow();
    this.#endGrow();
    this.resultSeq++;
    this.lastResult = `Grow from seeds accepted: ${this.lastResult?.split(': ').slice(1).join(': ') ?? ''}`;
    this.#deps.messages.info('Grow from seeds', 'Result accepted');
  }

  /** Puts back what the box held before the preview, keeping every seed stroke (as Slicer's Cancel does). */
  cancelGrow(): void {
    const grow = this.#grow;
    if (!grow) return;
    this.#endGrow();
    const session = grow.session;
    if (this.#session !== session) return;
    const editor = session.editor;
    const now = cropToBox(editor.labels, editor.dims, grow.box);
    const restored = grow.original.slice();
    // User strokes painted during the preview stay (they are seeds, not preview).
    for (let p = 0; p < restored.length; p++) if (now[p] !== grow.shown[p] && now[p] !== 0) restored[p] = now[p];
    const grid: LabelGrid = { labels: editor.labels, dims: editor.dims, spacing: editor.spacing };
    editor.beginStroke();
    commitLabels(grid, grow.box, restored, this.target, new VoxelFilter({ area: { mode: 'everywhere' }, overwrite: 'all' }, []), (p, v) =>
      editor.write(p, v),
    );
    editor.endStroke();
    this.#refresh(session);
    this.lastResult = 'Grow from seeds cancelled: the seeds are kept';
    this.resultSeq++;
  }

  #endGrow(): void {
    this.#grow = null;
    this.growActive = false;
    clearTimeout(this.#updateTimer);
  }

  /** New brush strokes during a preview update it shortly after the stroke ends (the live preview). */
  #watchStrokes(): void {
    this.#lastRevision = this.#grow?.session.editor.revision ?? -1;
  }

  /** Called by the panel whenever the open case's revision changes. */
  labelsChanged(revision: number): void {
    if (!this.#grow || revision === this.#lastRevision) return;
    this.#lastRevision = revision;
    clearTimeout(this.#updateTimer);
    this.#updateTimer = setTimeout(() => {
      try {
        this.updateGrow();
      } catch (e) {
        this.#deps.messages.error(e, 'Updating the grow preview');
      }
    }, 120);
  }

  // ── Scissors ─────────────────────────────────────────────────────────────────────────────────────────

  #captureScissors(): void {
    this.pointer.capture({
      // The brush, eraser and threshold brush keep the views while they are the active tool.
      enabled: () => !this.#deps.tools.edits || this.drawing !== null,
      down: (p) => {
        if (this.scissorsShape === 'freehand' || !this.drawing || this.drawing.view !== p.view) this.#beginShape(p);
        else this.#addPoint(p);
      },
      move: (p) => {
        if (this.scissorsShape === 'freehand' && this.drawing && this.drawing.view === p.view && this.#drawIjk.length > 0 && this.#dragging)
          this.#addPoint(p);
      },
      up: () => {
        if (this.scissorsShape === 'freehand' && this.#dragging) {
          this.#dragging = false;
          this.finishShape();
        }
      },
      dblclick: () => {
        if (this.scissorsShape === 'polygon') this.finishShape();
      },
    });
  }

  #dragging = false;

  #beginShape(p: ViewPoint): void {
    this.#drawIjk = [p.ijk];
    this.#drawNormal = p.normalAxis;
    this.#dragging = this.scissorsShape === 'freehand';
    this.drawing = { view: p.view, rect: p.rect, points: [[p.x, p.y]] };
  }

  #addPoint(p: ViewPoint): void {
    if (!this.drawing) return;
    this.#drawIjk.push(p.ijk);
    this.drawing = { ...this.drawing, points: [...this.drawing.points, [p.x, p.y]] };
  }

  /** Cuts with the drawn shape (needs three points or more). */
  finishShape(): void {
    const drawing = this.drawing;
    const points = this.#drawIjk;
    this.drawing = null;
    this.#drawIjk = [];
    const session = this.#session;
    if (!drawing || !session || points.length < 3) return;
    const normal = this.#drawNormal;
    const [ua, va] = planeAxes(normal);
    const slice = Math.round(points[0][normal]);
    const half = this.scissorsSlabMm > 0 ? Math.max(0, Math.round(this.scissorsSlabMm / session.editor.spacing[normal] / 2 - 0.5)) : -1;
    const cut: ScissorsCut = {
      normalAxis: normal,
      polygon: points.map((q) => [q[ua], q[va]] as const),
      action: this.scissorsAction,
      region: this.scissorsRegion,
      slab: half >= 0 ? [slice - half, slice + half] : undefined,
    };
    this.run('Scissors', (g, p, w) => applyScissors(g, this.target, cut, p, w));
  }

  cancelDrawing(): void {
    this.drawing = null;
    this.#drawIjk = [];
    this.#dragging = false;
    this.pickingIsland = false;
    this.pointer.release();
  }

  /** Escape: drops a shape in progress, else cancels the grow preview. */
  escape(): void {
    if (this.drawing || this.pickingIsland) {
      const effect = this.effect;
      this.cancelDrawing();
      if (effect === 'scissors') this.#captureScissors();
    } else if (this.#grow) this.cancelGrow();
    else if (this.ai.active) this.ai.cancel();
  }

  dispose(): void {
    this.cancelDrawing();
    this.ai.dispose();
    this.#endGrow();
  }
}
