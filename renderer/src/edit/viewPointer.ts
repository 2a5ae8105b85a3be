/**
 * Pointer input on the 2D views for the effects that draw or click (scissors, pick an island, seed growth's
 * Accept stays in the panel). Listens on the document in the capture phase, so it sees a press before the
 * brush and Cornerstone do, and finds the view from the viewport element under the pointer — no change to the
 * viewer's components is needed. Active only while an effect asks for it.
 */
import { lpsToIjk } from '../viewer/geometry.js';
import type { ViewerEngine } from '../viewer/viewerEngine.js';
import { MPR_VIEWS, type MprViewId } from '../viewer/viewports.js';
import type { NormalAxis } from './labelmapEditor.js';

export interface ViewPoint {
  readonly view: MprViewId;
  /** Canvas position in CSS px relative to the viewport element. */
  readonly x: number;
  readonly y: number;
  /** Continuous voxel index (0 = centre of the first voxel). */
  readonly ijk: readonly [number, number, number];
  readonly normalAxis: NormalAxis;
  /** The viewport element's box on the page (for overlays). */
  readonly rect: DOMRect;
}

export interface PointerHandlers {
  /** Whether to take the input now (e.g. not while the brush is the active tool); default yes. */
  enabled?(): boolean;
  down?(p: ViewPoint, e: PointerEvent): void;
  move?(p: ViewPoint, e: PointerEvent): void;
  up?(p: ViewPoint | null, e: PointerEvent): void;
  dblclick?(p: ViewPoint, e: MouseEvent): void;
  /** The wheel over a 2D view; return true when the effect used it (the views then do not scroll). */
  wheel?(p: ViewPoint, e: WheelEvent): boolean;
}

export class ViewPointer {
  readonly #engine: ViewerEngine;
  #handlers: PointerHandlers | null = null;
  #detach: (() => void) | null = null;

  constructor(engine: ViewerEngine) {
    this.#engine = engine;
  }

  /** Routes primary-button input on the 2D views to `handlers` until release(); replaces earlier handlers. */
  capture(handlers: PointerHandlers): void {
    this.#handlers = handlers;
    if (this.#detach || typeof document === 'undefined') return;
    const down = (e: PointerEvent): void => this.#route('down', e);
    const move = (e: PointerEvent): void => this.#route('move', e);
    const up = (e: PointerEvent): void => this.#route('up', e);
    const dbl = (e: MouseEvent): void => this.#route('dblclick', e);
    const wheel = (e: WheelEvent): void => this.#wheel(e);
    document.addEventListener('pointerdown', down, { capture: true });
    document.addEventListener('pointermove', move, { capture: true });
    document.addEventListener('pointerup', up, { capture: true });
    document.addEventListener('dblclick', dbl, { capture: true });
    // Not passive: an effect that uses the wheel must keep Cornerstone from scrolling the slice.
    document.addEventListener('wheel', wheel, { capture: true, passive: false });
    this.#detach = () => {
      document.removeEventListener('pointerdown', down, { capture: true });
      document.removeEventListener('pointermove', move, { capture: true });
      document.removeEventListener('pointerup', up, { capture: true });
      document.removeEventListener('dblclick', dbl, { capture: true });
      document.removeEventListener('wheel', wheel, { capture: true });
    };
  }

  release(): void {
    this.#handlers = null;
    this.#detach?.();
    this.#detach = null;
  }

  get active(): boolean {
    return this.#handlers !== null;
  }

  #route(kind: 'down' | 'move' | 'up' | 'dblclick', e: MouseEvent): void {
    const handlers = this.#handlers;
    if (!handlers || handlers.enabled?.() === false) return;
    const point = this.#pointAt(e);
    if (kind === 'up') {
      handlers.up?.(point, e as PointerEvent);
      return;
    }
    if (!point) return;
    if (kind === 'down') {
      if ((e as PointerEvent).button !== 0) return;
      e.stopPropagation();
      e.preventDefault();
      // preventDefault also keeps the focus where it was (a number field): let Enter and Esc reach the effect.
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      handlers.down?.(point, e as PointerEvent);
    } else if (kind === 'move') handlers.move?.(point, e as PointerEvent);
    else {
      e.stopPropagation();
      handlers.dblclick?.(point, e);
    }
  }

  #wheel(e: WheelEvent): void {
    const handlers = this.#handlers;
    if (!handlers?.wheel || handlers.enabled?.() === false) return;
    const point = this.#pointAt(e);
    if (point && handlers.wheel(point, e)) {
      e.stopPropagation();
      e.preventDefault();
    }
  }

  #pointAt(e: MouseEvent): ViewPoint | null {
    const target = e.target instanceof Element ? e.target : null;
    const element = target?.closest<HTMLElement>('[data-testid^="viewport-"]');
    const view = element?.dataset.testid?.slice('viewport-'.length) as MprViewId | undefined;
    const geometry = this.#engine.volumes?.geometry;
    if (!element || !view || !MPR_VIEWS.includes(view) || !geometry) return null;
    const rect = element.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const ijk = lpsToIjk(geometry, this.#engine.canvasToWorld(view, x, y));
    return { view, x, y, ijk, normalAxis: this.#engine.normalAxis(view), rect };
  }
}
