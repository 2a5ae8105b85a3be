/**
 * Turns pointer drags in a 2D view into brush dabs on the labelmap. Between two pointer events the dabs are
 * spaced at a third of the radius, so a fast drag leaves no gaps. Each dab writes voxels and asks Cornerstone
 * to re-upload only the dirty axial slices; the 3D view is refreshed once, when the stroke ends.
 */
import { lpsToIjk } from '../viewer/geometry.js';
import type { ViewerEngine } from '../viewer/viewerEngine.js';
import type { MprViewId } from '../viewer/viewports.js';
import type { LabelmapEditor, Vec3 } from './labelmapEditor.js';
import type { EditTools } from './editTools.svelte.js';

export interface BrushHost {
  readonly viewer: ViewerEngine;
  readonly tools: EditTools;
  /** The open case's editor, or undefined while none is open. */
  editor(): LabelmapEditor | undefined;
  /** Called once per finished stroke. */
  strokeEnded(): void;
  /** Cursor feedback: canvas position and radius in px, or null to hide. */
  cursor(view: MprViewId, at: { x: number; y: number; radiusPx: number } | null): void;
}

/** Durations of recent dabs in ms (the UI benchmark reads them from window.lobuleStats). */
export const dabDurations: number[] = [];

export class BrushController {
  readonly #host: BrushHost;
  #active: { view: MprViewId; last: Vec3; pointerId: number } | undefined;
  readonly #detach: (() => void)[] = [];

  constructor(host: BrushHost) {
    this.#host = host;
  }

  attach(view: MprViewId, element: HTMLElement): void {
    const down = (e: PointerEvent): void => this.#down(view, element, e);
    const move = (e: PointerEvent): void => this.#move(view, element, e);
    const up = (e: PointerEvent): void => this.#up(e);
    const leave = (): void => this.#host.cursor(view, null);
    // Capture phase: the brush must see the press before Cornerstone's own (passive) tools do.
    element.addEventListener('pointerdown', down, { capture: true });
    element.addEventListener('pointermove', move, { capture: true });
    element.addEventListener('pointerup', up, { capture: true });
    element.addEventListener('pointercancel', up, { capture: true });
    element.addEventListener('pointerleave', leave);
    this.#detach.push(() => {
      element.removeEventListener('pointerdown', down, { capture: true });
      element.removeEventListener('pointermove', move, { capture: true });
      element.removeEventListener('pointerup', up, { capture: true });
      element.removeEventListener('pointercancel', up, { capture: true });
      element.removeEventListener('pointerleave', leave);
    });
  }

  detachAll(): void {
    for (const d of this.#detach.splice(0)) d();
  }

  #ijkAt(view: MprViewId, element: HTMLElement, e: PointerEvent): Vec3 | undefined {
    const geometry = this.#host.viewer.volumes?.geometry;
    if (!geometry) return undefined;
    const rect = element.getBoundingClientRect();
    const world = this.#host.viewer.canvasToWorld(view, e.clientX - rect.left, e.clientY - rect.top);
    return lpsToIjk(geometry, world);
  }

  #down(view: MprViewId, element: HTMLElement, e: PointerEvent): void {
    const editor = this.#host.editor();
    if (!this.#host.tools.edits || e.button !== 0 || !editor) return;
    e.stopPropagation();
    e.preventDefault();
    const at = this.#ijkAt(view, element, e);
    if (!at) return;
    element.setPointerCapture?.(e.pointerId);
    editor.beginStroke();
    this.#active = { view, last: at, pointerId: e.pointerId };
    this.#dab(view, [at]);
  }

  #move(view: MprViewId, element: HTMLElement, e: PointerEvent): void {
    if (this.#host.tools.edits) {
      const rect = element.getBoundingClientRect();
      this.#host.cursor(view, {
        x: e.clientX - rect.left,
        y: e.clientY - rect.top,
        radiusPx: this.#host.tools.radiusMm * this.#host.viewer.pixelsPerMm(view),
      });
    }
    const active = this.#active;
    if (!active || active.view !== view || e.pointerId !== active.pointerId) return;
    e.stopPropagation();
    const at = this.#ijkAt(view, element, e);
    if (!at) return;
    this.#dab(view, this.#pathPoints(active.last, at));
    active.last = at;
  }

  #up(e: PointerEvent): void {
    const active = this.#active;
    if (!active || e.pointerId !== active.pointerId) return;
    e.stopPropagation();
    this.#active = undefined;
    const editor = this.#host.editor();
    editor?.endStroke();
    this.#host.viewer.labelsChanged(editor?.takeDirtySlices() ?? [], true);
    this.#host.strokeEnded();
  }

  /** Dab centres from `from` (exclusive) to `to` (inclusive), spaced at a third of the radius in voxels. */
  #pathPoints(from: Vec3, to: Vec3): Vec3[] {
    const editor = this.#host.editor();
    const minSpacing = editor ? Math.min(...editor.spacing) : 1;
    const step = Math.max(0.5, this.#host.tools.radiusMm / minSpacing / 3);
    const dist = Math.hypot(to[0] - from[0], to[1] - from[1], to[2] - from[2]);
    const n = Math.max(1, Math.ceil(dist / step));
    const out: Vec3[] = [];
    for (let s = 1; s <= n; s++) {
      const t = s / n;
      out.push([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, from[2] + (to[2] - from[2]) * t]);
    }
    return out;
  }

  #dab(view: MprViewId, centres: readonly Vec3[]): void {
    const editor = this.#host.editor();
    if (!editor) return;
    const started = performance.now();
    const tools = this.#host.tools;
    const normalAxis = this.#host.viewer.normalAxis(view);
    for (const center of centres) {
      editor.dab(center, {
        radiusMm: tools.radiusMm,
        shape: tools.shape,
        normalAxis,
        value: tools.paintValue(),
        intensityRange: tools.intensityRange(),
      });
    }
    this.#host.viewer.labelsChanged(editor.takeDirtySlices(), false, view);
    dabDurations.push(performance.now() - started);
    if (dabDurations.length > 2000) dabDurations.splice(0, 1000);
  }
}
