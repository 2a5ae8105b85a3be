/**
 * What the viewer shows (layout, one W/L per case, overlay style, what each 2D view shows and the voxel under
 * the cursor); pushes every change into the ViewerEngine and remembers each case's W/L and view cameras.
 */
import { ViewerEngine, type NavigationMode, type Readout, type ViewInfo } from './viewerEngine.js';
import { WINDOW_PRESETS, segmentColor } from './presets.js';
import type { MprViewId, ViewId } from './viewports.js';
import type { ImageScalars } from './volumeFactory.js';
import type { VolumeMeta } from '../../../engine/api/contract.js';
import type { ToolId } from '../edit/tools.js';
import { stats } from '../app/stats.js';
import { loadViewerPrefs, saveViewerPrefs } from './viewerPrefs.js';

/** Where the brush cursor is drawn: canvas position and radius in px within one 2D view. */
export interface BrushCursor {
  readonly view: MprViewId;
  readonly x: number;
  readonly y: number;
  readonly radiusPx: number;
}

export type Layout = '1x1' | '2x2';

/** W/L a case opens with when it has none of its own: the Abdomen preset. */
export const DEFAULT_WINDOW_PRESET = 'abdomen';

const NAVIGATION: readonly ToolId[] = ['windowLevel', 'crosshairs', 'pan', 'zoom', 'length', 'ellipse'];

export class ViewerState {
  readonly engine = new ViewerEngine();
  layout = $state<Layout>('2x2');
  /** The view shown alone in the 1×1 layout, and the one the slice keys step. */
  focus = $state<ViewId>('axial');
  window = $state(400);
  level = $state(40);
  opacity = $state(0.45);
  outline = $state(false);
  overlayVisible = $state(true);
  /** The CT volume-rendered in the 3D view behind the surfaces (off by default without a GPU: seconds a frame). */
  ctIn3d = $state(false);
  hiddenSegments = $state<number[]>([]);
  /** Colours the user picked, by segment value (others use the default palette). */
  colors = $state<Record<number, readonly [number, number, number]>>({});
  ready = $state(false);
  cursor = $state.raw<BrushCursor | null>(null);
  /** Slice and edge letters of each 2D view. */
  views = $state.raw<Partial<Record<MprViewId, ViewInfo>>>({});
  /** The voxel under the mouse in a 2D view. */
  readout = $state.raw<Readout | null>(null);
  readonly presetId = $derived(WINDOW_PRESETS.find((p) => p.window === this.window && p.level === this.level)?.id ?? 'custom');
  /** Where background failures are reported (set by the workstation). */
  onError: (e: unknown, what: string) => void = (e) => console.error(e);

  #caseId: string | null = null;
  /** Per case: the W/L the user left it with and each view's camera (restored when the case is shown again). */
  readonly #windows = new Map<string, { window: number; level: number }>();
  readonly #cameras = new Map<string, ReturnType<ViewerEngine['saveCameras']>>();
  /** The preset id the user picked last (persisted; a new case opens with it). */
  #preferredPreset = DEFAULT_WINDOW_PRESET;

  constructor() {
    this.ctIn3d = this.engine.ctIn3d;
    const prefs = loadViewerPrefs();
    if (prefs.layout) this.layout = prefs.layout;
    if (prefs.windowPreset && WINDOW_PRESETS.some((p) => p.id === prefs.windowPreset)) this.#preferredPreset = prefs.windowPreset;
    this.engine.events = {
      view: (id, info) => (this.views = { ...this.views, [id]: info }),
      voi: (window, level) => {
        this.window = Math.round(window);
        this.level = Math.round(level);
        this.#rememberWindow();
      },
      readout: (r) => (this.readout = r),
      error: (e, what) => this.onError(e, what),
    };
  }

  applyPreset(id: string): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    if (!preset) throw new Error(`unknown window preset ${id}`);
    this.#preferredPreset = id;
    saveViewerPrefs({ windowPreset: id });
    this.setWindow(preset.window, preset.level);
  }

  setWindow(window: number, level: number): void {
    this.window = Math.max(1, window);
    this.level = level;
    this.#rememberWindow();
    if (this.ready) this.engine.setVoi(this.window, this.level);
  }

  #rememberWindow(): void {
    if (this.#caseId) this.#windows.set(this.#caseId, { window: this.window, level: this.level });
  }

  setMode(mode: NavigationMode): void {
    this.engine.setMode(mode);
  }

  /**
   * Shows an opened case in every view with the current style, colours and visibility. A case seen before in
   * this session comes back with its W/L and its views where they were; a new one with the default window.
   */
  async showCase(volume: { caseId: string; meta: VolumeMeta; image: ImageScalars; labels: Uint8Array }): Promise<void> {
    if (this.#caseId && this.ready) this.#cameras.set(this.#caseId, this.engine.saveCameras());
    this.hiddenSegments = [];
    this.readout = null;
    this.views = {};
    this.#caseId = volume.caseId;
    const preset = WINDOW_PRESETS.find((p) => p.id === this.#preferredPreset) ?? WINDOW_PRESETS[0];
    // a case opens with its own window (DICOM WindowCenter/Width) when its source gave one
    const own = volume.meta.displayWindow;
    const opening = own ? { window: own.width, level: own.center } : { window: preset.window, level: preset.level };
    const voi = this.#windows.get(volume.caseId) ?? opening;
    this.window = voi.window;
    this.level = voi.level;
    this.#rememberWindow();
    await this.engine.show(volume.meta, volume.image, volume.labels, this.labelStyle(), voi, this.#cameras.get(volume.caseId));
    this.ready = true;
    this.reapplySegments();
  }

  /** Binds the primary button of the 2D views to a navigation or measurement tool; editing tools leave it alone. */
  followTool(tool: ToolId): void {
    const started = performance.now();
    const nav = NAVIGATION.includes(tool) ? (tool as NavigationMode) : null;
    // Editing tools leave Cornerstone's bindings alone: the brush takes the primary button in the capture phase
    // (and suppresses the mouse events Cornerstone listens to). Rebinding Cornerstone tools redraws every view,
    // one software-GL frame per switch, which is the tool-switch lag users report.
    if (nav && this.ready) this.setMode(nav);
    if (nav) this.cursor = null;
    stats.toolSwitchMs.push(performance.now() - started);
  }

  /** The 2D view the slice keys step: the focused one, else the axial view. */
  #stepView(): MprViewId {
    return this.focus === 'three' ? 'axial' : this.focus;
  }

  stepSlice(delta: number): void {
    if (this.ready) this.engine.step(this.#stepView(), delta);
  }

  jumpSlice(to: 'first' | 'last'): void {
    if (this.ready) this.engine.jump(this.#stepView(), to);
  }

  setOpacity(opacity: number): void {
    this.opacity = opacity;
    this.#pushStyle();
  }

  toggleOutline(): void {
    this.outline = !this.outline;
    this.#pushStyle();
  }

  toggleCtIn3d(): void {
    this.ctIn3d = !this.ctIn3d;
    this.engine.setCtIn3d(this.ctIn3d);
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

  /** Switches layout (or the view shown alone); every view keeps its slice, zoom and pan. */
  setLayout(layout: Layout, focus?: ViewId): void {
    const cameras = this.ready ? { ...this.#lastCameras, ...this.engine.saveCameras() } : undefined;
    if (cameras) this.#lastCameras = cameras;
    this.layout = layout;
    if (focus) this.focus = focus;
    saveViewerPrefs({ layout });
    // The grid changes size after Svelte updates the DOM; Cornerstone must then resize its canvases.
    requestAnimationFrame(() => this.engine.resize(cameras));
  }

  /** Cameras of views that were hidden by the 1×1 layout, as they were when last visible. */
  #lastCameras: ReturnType<ViewerEngine['saveCameras']> = {};

  labelStyle(): { opacity: number; outline: boolean; visible: boolean } {
    return { opacity: this.opacity, outline: this.outline, visible: this.overlayVisible };
  }

  /** Slice text of a 2D view, e.g. "Slice 45 / 300 · z −123.5 mm". */
  sliceText(id: MprViewId): string {
    const s = this.views[id]?.slice;
    return s ? `Slice ${s.index + 1} / ${s.count} · ${s.worldAxis} ${s.positionMm.toFixed(1)} mm` : '';
  }

  #pushStyle(): void {
    if (this.ready) this.engine.applyLabelStyle(this.labelStyle());
  }
}
