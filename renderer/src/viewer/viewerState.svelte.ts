/** What the viewer shows (layout, window/level, overlay style); pushes every change into the ViewerEngine. */
import { ViewerEngine, type NavigationMode } from './viewerEngine.js';
import { WINDOW_PRESETS, segmentColor } from './presets.js';
import type { MprViewId, ViewId } from './viewports.js';
import type { ImageScalars } from './volumeFactory.js';
import type { VolumeMeta } from '../../../engine/api/contract.js';
import type { ToolId } from '../edit/tools.js';
import { stats } from '../app/stats.js';

/** Where the brush cursor is drawn: canvas position and radius in px within one 2D view. */
export interface BrushCursor {
  readonly view: MprViewId;
  readonly x: number;
  readonly y: number;
  readonly radiusPx: number;
}

export type Layout = '1x1' | '2x2';

export class ViewerState {
  readonly engine = new ViewerEngine();
  layout = $state<Layout>('2x2');
  /** The view shown alone in the 1×1 layout. */
  focus = $state<ViewId>('axial');
  window = $state(600);
  level = $state(0);
  opacity = $state(0.45);
  outline = $state(false);
  overlayVisible = $state(true);
  hiddenSegments = $state<number[]>([]);
  /** Colours the user picked, by segment value (others use the default palette). */
  colors = $state<Record<number, readonly [number, number, number]>>({});
  ready = $state(false);
  cursor = $state.raw<BrushCursor | null>(null);
  readonly presetId = $derived(WINDOW_PRESETS.find((p) => p.window === this.window && p.level === this.level)?.id ?? 'custom');

  applyPreset(id: string): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    if (!preset) throw new Error(`unknown window preset ${id}`);
    this.setWindow(preset.window, preset.level);
  }

  setWindow(window: number, level: number): void {
    this.window = Math.max(1, window);
    this.level = level;
    if (this.ready) this.engine.setVoi(this.window, this.level);
  }

  /** Reads back the VOI after a W/L drag so the numbers shown stay true. */
  syncWindowFromViews(): void {
    const voi = this.engine.currentVoi();
    if (voi) {
      this.window = Math.round(voi.window);
      this.level = Math.round(voi.level);
    }
  }

  setMode(mode: NavigationMode): void {
    this.engine.setMode(mode);
  }

  /** Shows an opened case in every view with the current style, colours and visibility. */
  async showCase(volume: { meta: VolumeMeta; image: ImageScalars; labels: Uint8Array }): Promise<void> {
    this.hiddenSegments = [];
    await this.engine.show(volume.meta, volume.image, volume.labels, this.labelStyle(), this);
    this.ready = true;
    this.reapplySegments();
  }

  /** Binds the primary button of the 2D views to a navigation tool; editing tools leave the bindings alone. */
  followTool(tool: ToolId): void {
    const started = performance.now();
    const nav = tool === 'windowLevel' || tool === 'crosshairs' || tool === 'pan' || tool === 'zoom' ? tool : null;
    // Editing tools leave Cornerstone's bindings alone: the brush takes the primary button in the capture phase
    // (and suppresses the mouse events Cornerstone listens to). Rebinding Cornerstone tools redraws every view,
    // one software-GL frame per switch, which is the tool-switch lag users report.
    if (nav && this.ready) this.setMode(nav);
    if (nav) this.cursor = null;
    stats.toolSwitchMs.push(performance.now() - started);
  }

  setOpacity(opacity: number): void {
    this.opacity = opacity;
    this.#pushStyle();
  }

  toggleOutline(): void {
    this.outline = !this.outline;
    this.#pushStyle();
  }

  toggleOverlay(): void {
    this.overlayVisible = !this.overlayVisible;
    this.#pushStyle();
  }

  setSegmentVisible(value: number, visible: boolean): void {
    this.hiddenSegments = visible ? this.hiddenSegments.filter((v) => v !== value) : [...this.hiddenSegments, value];
    if (this.ready) this.engine.setSegmentVisible(value, visible);
  }

  colorOf(value: number): readonly [number, number, number] {
    return this.colors[value] ?? segmentColor(value);
  }

  setSegmentColor(value: number, rgb: readonly [number, number, number]): void {
    this.colors = { ...this.colors, [value]: rgb };
    if (this.ready) this.engine.setSegmentColor(value, rgb);
  }

  /** Re-applies per-segment colours and visibility after a case was (re)shown. */
  reapplySegments(): void {
    for (const [value, rgb] of Object.entries(this.colors)) this.engine.setSegmentColor(Number(value), rgb);
    for (const value of this.hiddenSegments) this.engine.setSegmentVisible(value, false);
  }

  setLayout(layout: Layout, focus?: ViewId): void {
    this.layout = layout;
    if (focus) this.focus = focus;
    // The grid changes size after Svelte updates the DOM; Cornerstone must then resize its canvases.
    requestAnimationFrame(() => this.engine.resize(true));
  }

  labelStyle(): { opacity: number; outline: boolean; visible: boolean } {
    return { opacity: this.opacity, outline: this.outline, visible: this.overlayVisible };
  }

  #pushStyle(): void {
    if (this.ready) this.engine.applyLabelStyle(this.labelStyle());
  }
}
