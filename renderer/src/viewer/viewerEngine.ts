/**
 * The bridge between Lobule's state and Cornerstone3D: owns the rendering engine and the four viewports, shows a
 * case, and reports what the reader needs (slice, orientation, value under the cursor, W/L) through callbacks.
 * Tool bindings, the 2D label overlay and the 3D view are in their own modules. No Svelte here.
 */
import { RenderingEngine, Enums, getRenderingEngine, type Types } from '@cornerstonejs/core';
import { cpuPlanar, startCornerstone, withGenericViewports } from './cornerstoneSetup.js';
import { buildVolumes, releaseVolumes, type BuiltVolumes, type ImageScalars } from './volumeFactory.js';
import { MPR_VIEWS, RENDERING_ENGINE_ID, viewportInput, type MprViewId, type ViewId } from './viewports.js';
import { voiRange } from './presets.js';
import { bindPrimary, createToolGroups, type NavigationMode } from './toolBindings.js';
import { LabelOverlay, type LabelStyle } from './labelOverlay.js';
import { ThreeView } from './threeView.js';
import { edgeLetters, nearestVoxelAxis, sliceInfo, voxelAt, type EdgeLetters, type SliceInfo } from './orientation.js';
import type { VolumeMeta } from '../../../engine/api/contract.js';
import type { NormalAxis } from '../edit/labelmapEditor.js';

export type { NavigationMode } from './toolBindings.js';
export type { LabelStyle } from './labelOverlay.js';

/** The voxel under the cursor in a 2D view. */
export interface Readout {
  readonly view: MprViewId;
  readonly ijk: readonly [number, number, number];
  readonly value: number;
  readonly label: number;
}

/** What a 2D view shows now: its slice and the patient directions at its edges. */
export interface ViewInfo {
  readonly slice: SliceInfo;
  readonly edges: EdgeLetters;
}

/** Camera of one view, kept across layout switches and case switches. */
type SavedCameras = Partial<Record<ViewId, Types.ICamera>>;

export interface ViewerEvents {
  /** A 2D view's slice, zoom, pan or orientation changed. */
  view(id: MprViewId, info: ViewInfo): void;
  /** The W/L of the 2D views changed by a drag (already applied to every 2D view). */
  voi(window: number, level: number): void;
  /** The voxel under the cursor changed (null: the cursor left the image). */
  readout(readout: Readout | null): void;
  /** Failures of background work (the deferred 3D view). */
  error(e: unknown, what: string): void;
}

/** How long a W/L drag rests (button still down) before the other 2D views show the new window. */
const VOI_FOLLOW_PAUSE_MS = 1000;

export class ViewerEngine {
  #engine: RenderingEngine | undefined;
  #volumes: BuiltVolumes | undefined;
  #mode: NavigationMode = 'windowLevel';
  #modeApplied = false;
  /** User-picked segment colours (the 2D overlay and the 3D view use them). */
  readonly #colors = new Map<number, readonly [number, number, number]>();
  readonly #overlay = new LabelOverlay(this.#colors);
  readonly #three = new ThreeView(
    () => this.#engine,
    this.#colors,
    (e) => this.events.error(e, 'Showing the 3D view'),
  );
  #labelsVisible = true;
  /** Set while W/L is copied to the other views, so their own VOI events are not copied back. */
  #syncingVoi = false;
  readonly #detach: (() => void)[] = [];
  events: ViewerEvents = { view: () => undefined, voi: () => undefined, readout: () => undefined, error: (e) => console.error(e) };

  get volumes(): BuiltVolumes | undefined {
    return this.#volumes;
  }

  /** Resolves when mount() finished: a case that loads faster than Cornerstone starts waits for it. */
  readonly #mounted: Promise<void>;
  #markMounted: () => void = () => undefined;
  #failMount: (e: unknown) => void = () => undefined;

  constructor() {
    this.#mounted = new Promise((resolve, reject) => {
      this.#markMounted = resolve;
      this.#failMount = reject;
    });
    this.#mounted.catch(() => undefined); // reported where mount() is awaited; show() rethrows it
  }

  async mount(elements: Readonly<Record<ViewId, HTMLDivElement>>): Promise<void> {
    try {
      await startCornerstone();
      getRenderingEngine(RENDERING_ENGINE_ID)?.destroy();
      const engine = new RenderingEngine(RENDERING_ENGINE_ID);
      if (cpuPlanar()) {
        withGenericViewports(() => engine.setViewports(MPR_VIEWS.map((id) => viewportInput(id, elements[id]))));
        engine.enableElement(viewportInput('three', elements.three));
      } else engine.setViewports((Object.keys(elements) as ViewId[]).map((id) => viewportInput(id, elements[id])));
      this.#engine = engine;
      createToolGroups();
      this.#modeApplied = false;
      this.setMode(this.#mode);
      for (const id of MPR_VIEWS) this.#listen(id, elements[id]);
      const onRelease = (): void => {
        if (this.#deferred.size) this.#renderDeferred();
      };
      window.addEventListener('mouseup', onRelease, true);
      this.#detach.push(() => window.removeEventListener('mouseup', onRelease, true));
      this.#markMounted();
    } catch (e) {
      this.#failMount(e);
      throw e;
    }
  }

  #listen(id: MprViewId, element: HTMLDivElement): void {
    const onCamera = (): void => {
      const info = this.viewInfo(id);
      if (info) this.events.view(id, info);
    };
    const onVoi = (e: Event): void => {
      const { range, volumeId } = (e as CustomEvent<{ range: { lower: number; upper: number }; volumeId?: string }>).detail;
      // Only the CT's W/L is the case's W/L (a CPU-drawn view also reports its labelmap's).
      if (!volumeId || volumeId === this.#volumes?.imageVolumeId) this.#voiModified(id, range);
    };
    let pending: { x: number; y: number } | null = null;
    const onMove = (e: MouseEvent): void => {
      const rect = element.getBoundingClientRect();
      // One readout per frame at most: mouse events can come faster than a software frame.
      if (!pending)
        requestAnimationFrame(() => {
          const at = pending;
          pending = null;
          if (at) this.events.readout(this.readoutAt(id, at.x, at.y));
        });
      pending = { x: e.clientX - rect.left, y: e.clientY - rect.top };
    };
    const onLeave = (): void => this.events.readout(null);
    element.addEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
    element.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
    element.addEventListener('mousemove', onMove);
    element.addEventListener('mouseleave', onLeave);
    this.#detach.push(() => {
      element.removeEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
      element.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi);
      element.removeEventListener('mousemove', onMove);
      element.removeEventListener('mouseleave', onLeave);
    });
  }

  /** A W/L drag in one view: the same window goes to the other 2D views (one W/L per case). */
  #voiModified(from: MprViewId, range: { lower: number; upper: number }): void {
    if (this.#syncingVoi || !this.#volumes) return;
    const others = MPR_VIEWS.filter((id) => id !== from && this.#isVisible(id));
    const hidden = MPR_VIEWS.filter((id) => id !== from && !this.#isVisible(id));
    // A CPU-drawn view redraws inside setProperties: the visible ones get the window only when they are due.
    if (this.#cpu) {
      this.#applyVoi(hidden, range);
      this.#followVoi = range;
    } else this.#applyVoi([...others, ...hidden], range);
    if (others.length) this.#renderSoon(others, VOI_FOLLOW_PAUSE_MS);
    this.events.voi(range.upper - range.lower, (range.upper + range.lower) / 2);
  }

  /** Sets the CT's W/L in 2D views. A CPU-drawn (planar) view renders at once; a GPU view waits for a render. */
  #applyVoi(ids: readonly MprViewId[], range: { lower: number; upper: number }): void {
    const engine = this.#requireEngine();
    // The CT's volume id, not "the viewport's": a CPU-drawn view's default data becomes the labelmap once that is
    // added, and its W/L would go there (the CT then opened at W1/L1).
    const volumeId = this.#volumes?.imageVolumeId;
    this.#syncingVoi = true;
    try {
      for (const id of ids) (engine.getViewport(id) as Types.IVolumeViewport).setProperties({ voiRange: range }, volumeId, true);
    } finally {
      this.#syncingVoi = false;
    }
  }

  /** Whether the 2D views are drawn on the CPU (no GPU): see cornerstoneSetup.ts. */
  readonly #cpu = cpuPlanar();
  /** W/L of a drag that the other (CPU-drawn) views take when they are next due to render. */
  #followVoi: { lower: number; upper: number } | undefined;

  #deferred = new Set<ViewId>();
  #deferredTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Renders views once requests have paused for `pauseMs`: during a W/L drag the dragged view redraws on every
   * move and the other 2D views follow when the mouse rests or the drag ends, so a move costs one software-GL
   * frame instead of three (a pause shorter than a move's frame would redraw them after every move).
   */
  #renderSoon(ids: readonly ViewId[], pauseMs = 120): void {
    for (const id of ids) this.#deferred.add(id);
    clearTimeout(this.#deferredTimer);
    this.#deferredTimer = setTimeout(() => this.#renderDeferred(), pauseMs);
  }

  /** Renders the deferred views now (also when a drag ends: the button's release is the user's "done"). */
  #renderDeferred(): void {
    clearTimeout(this.#deferredTimer);
    let due = [...this.#deferred].filter((id) => this.#isVisible(id));
    this.#deferred.clear();
    const voi = this.#followVoi;
    this.#followVoi = undefined;
    if (voi && this.#engine) {
      const mpr = due.filter((id): id is MprViewId => id !== 'three');
      this.#applyVoi(mpr, voi); // renders them (CPU-drawn)
      due = due.filter((id) => id === 'three');
    }
    if (due.length) this.#engine?.renderViewports(due);
  }

  /**
   * Shows a case: builds its volumes, puts them in every view with the given W/L and renders; resolves after
   * the first frame. `cameras` (from saveCameras) puts each view back where it was for this case.
   */
  async show(
    meta: VolumeMeta,
    image: ImageScalars,
    labels: Uint8Array,
    style: LabelStyle,
    window: { window: number; level: number },
    cameras?: SavedCameras,
  ): Promise<BuiltVolumes> {
    await this.#mounted;
    const engine = this.#requireEngine();
    this.#overlay.remove();
    this.#three.clear();
    const previous = this.#volumes;
    const built = buildVolumes(meta, image, labels, this.#cpu);
    this.#volumes = built;
    const voi = voiRange(window.window, window.level);
    this.#followVoi = undefined;
    // The views announce their default W/L when given a volume: not the case's, so not passed on.
    this.#syncingVoi = true;
    try {
      await Promise.all(
        MPR_VIEWS.map((id) => (engine.getViewport(id) as Types.IVolumeViewport).setVolumes([{ volumeId: built.imageVolumeId }])),
      );
    } finally {
      this.#syncingVoi = false;
    }
    // A CPU-drawn view renders when its W/L is set: it is set last, once the labels and cameras are in place.
    if (!this.#cpu) this.#applyVoi(MPR_VIEWS, voi);
    releaseVolumes(previous);
    await this.#overlay.add(built.labelVolumeId, style);
    for (const id of MPR_VIEWS) {
      const vp = engine.getViewport(id);
      vp.resetCamera();
      const saved = cameras?.[id];
      if (saved) vp.setCamera(saved);
    }
    // A hidden view (1×1 layout) may never render: do not wait for it longer than a few seconds.
    const firstFrame = Promise.race([this.nextRender(this.#visibleMprView()), new Promise<void>((r) => setTimeout(r, 5000))]);
    if (this.#cpu) this.#applyVoi(MPR_VIEWS, voi);
    else engine.renderViewports(MPR_VIEWS.filter((id) => this.#isVisible(id)));
    await firstFrame;
    for (const id of MPR_VIEWS) {
      const info = this.viewInfo(id);
      if (info) this.events.view(id, info);
    }
    // The 3D view follows once the slices are on screen: its first software-GL frame costs seconds on big CTs.
    this.#three.show(
      built,
      () => this.#volumes === built,
      (e) => this.events.error(e, 'Showing the 3D view'),
    );
    return built;
  }

  /** Resolves when the 3D view of the last shown case is set up (tests, benchmarks). */
  get threeReady(): Promise<void> {
    return this.#three.ready;
  }

  set3dEnabled(enabled: boolean): void {
    this.#three.setEnabled(enabled);
  }

  /** Whether the 3D view volume-renders the CT behind the segment surfaces (default: only with a real GPU). */
  get ctIn3d(): boolean {
    return this.#three.ctVolume;
  }

  setCtIn3d(on: boolean): void {
    this.#three.setCtVolume(on);
  }

  #isVisible(id: ViewId): boolean {
    const el = this.#engine?.getViewport(id)?.element;
    return !!el && el.clientWidth > 0 && el.clientHeight > 0;
  }

  #visibleMprView(): MprViewId {
    return MPR_VIEWS.find((id) => this.#isVisible(id)) ?? 'axial';
  }

  setVoi(window: number, level: number): void {
    this.#followVoi = undefined;
    this.#applyVoi(MPR_VIEWS, voiRange(window, level));
    if (!this.#cpu) this.#requireEngine().renderViewports(MPR_VIEWS.filter((id) => this.#isVisible(id)));
  }

  setMode(mode: NavigationMode): void {
    if (mode === this.#mode && this.#modeApplied) return;
    this.#mode = mode;
    this.#modeApplied = true;
    bindPrimary(mode);
  }

  /** Slice and edge letters of a 2D view (undefined before a case is shown). */
  viewInfo(id: MprViewId): ViewInfo | undefined {
    const built = this.#volumes;
    const vp = this.#engine?.getViewport(id);
    if (!built || !vp) return undefined;
    const camera = vp.getCamera();
    if (!camera.focalPoint || !camera.viewPlaneNormal || !camera.viewUp) return undefined;
    return {
      slice: sliceInfo(built.geometry, built.dims, camera.focalPoint, camera.viewPlaneNormal),
      edges: edgeLetters(camera.viewUp, camera.viewPlaneNormal),
    };
  }

  /** The voxel (image value and label) under canvas point (x, y) of a 2D view, or null outside the volume. */
  readoutAt(id: MprViewId, x: number, y: number): Readout | null {
    const built = this.#volumes;
    if (!built || !this.#engine) return null;
    const ijk = voxelAt(built.geometry, built.dims, this.canvasToWorld(id, x, y));
    if (!ijk) return null;
    const n = ijk[0] + built.dims[0] * (ijk[1] + built.dims[1] * ijk[2]);
    return { view: id, ijk, value: built.image[n], label: built.labels[n] };
  }

  /** Steps a 2D view by `delta` voxel slices along its normal axis (clamped to the volume); renders that view only. */
  step(id: MprViewId, delta: number): void {
    const vp = this.#engine?.getViewport(id);
    const info = this.viewInfo(id);
    const built = this.#volumes;
    if (!vp || !info || !built) return;
    const target = Math.min(info.slice.count - 1, Math.max(0, info.slice.index + delta));
    if (target === info.slice.index) return;
    // Move the camera by whole voxels along the slice axis: the index shown is then exactly the target.
    const { direction, spacing } = built.geometry;
    const a = info.slice.axis;
    const mm = (target - info.slice.index) * spacing[a];
    const shift = [direction[a * 3] * mm, direction[a * 3 + 1] * mm, direction[a * 3 + 2] * mm];
    const { focalPoint, position } = vp.getCamera();
    if (!focalPoint || !position) return;
    const add = (p: Types.Point3): Types.Point3 => [p[0] + shift[0], p[1] + shift[1], p[2] + shift[2]];
    vp.setCamera({ focalPoint: add(focalPoint), position: add(position) });
    vp.render();
  }

  /** Jumps a 2D view to its first or last slice. */
  jump(id: MprViewId, to: 'first' | 'last'): void {
    const info = this.viewInfo(id);
    if (info) this.step(id, to === 'first' ? -info.slice.index : info.slice.count - 1 - info.slice.index);
  }

  /** Each view's camera now (to restore after a layout switch or when the case is shown again). */
  saveCameras(): SavedCameras {
    const out: SavedCameras = {};
    if (!this.#engine || !this.#volumes) return out;
    for (const id of MPR_VIEWS) if (this.#isVisible(id)) out[id] = this.#engine.getViewport(id).getCamera();
    return out;
  }

  applyLabelStyle(style: LabelStyle): void {
    this.#overlay.setStyle(style);
    this.#labelsVisible = style.visible;
    this.#three.setLabelsVisible(style.visible);
  }

  setSegmentColor(value: number, rgb: readonly [number, number, number]): void {
    this.#colors.set(value, rgb);
    this.#overlay.setColor(value, rgb);
    this.#three.colorsChanged();
  }

  setSegmentVisible(value: number, visible: boolean): void {
    this.#overlay.setSegmentVisible(value, visible);
    this.#three.setSegmentVisible(value, visible);
  }

  /**
   * Tells the views which axial slices of the labelmap changed. Mid-stroke only the painted view redraws; the
   * other 2D views and the 3D view follow when `final` (stroke end, undo, operation).
   */
  labelsChanged(slices: readonly number[], final: boolean, paintingIn?: MprViewId): void {
    const built = this.#volumes;
    if (!built) return;
    this.#overlay.changed(
      this.#engine,
      built.labelVolumeId,
      slices,
      final,
      paintingIn,
      MPR_VIEWS.filter((id) => this.#isVisible(id)),
    );
    this.#three.labelsChanged(slices, final);
  }

  /** Which voxel axis is normal to a 2D view (the view plane of a 2D brush). */
  normalAxis(id: MprViewId): NormalAxis {
    const vp = this.#requireEngine().getViewport(id);
    const normal = vp.getCamera().viewPlaneNormal ?? [0, 0, 1];
    return nearestVoxelAxis(this.#volumes?.geometry.direction ?? [1, 0, 0, 0, 1, 0, 0, 0, 1], normal);
  }

  canvasToWorld(id: MprViewId, x: number, y: number): Types.Point3 {
    return this.#requireEngine().getViewport(id).canvasToWorld([x, y]);
  }

  /** Canvas pixels per mm in a 2D view (for the brush cursor). */
  pixelsPerMm(id: MprViewId): number {
    const vp = this.#requireEngine().getViewport(id);
    const scale = vp.getCamera().parallelScale ?? 1;
    return vp.element.clientHeight / (2 * scale);
  }

  /**
   * After the window or the grid changed size: canvases follow their elements, every view keeps its slice, zoom
   * and pan (`cameras`, saved before a layout switch, puts back views that were hidden), and only visible views
   * render. The 3D view renders only when its size changed.
   */
  resize(cameras?: SavedCameras): void {
    const engine = this.#engine;
    if (!engine) return;
    const threeSize = this.#size('three');
    // Not `immediate`: Cornerstone would then render every viewport, the 3D one included, before the cameras
    // are put back; the visible 2D views render once here and the 3D view a moment later.
    engine.resize(false, true);
    const visible: ViewId[] = MPR_VIEWS.filter((id) => this.#isVisible(id));
    // The engine sizes only WebGL canvases: a CPU-drawn view sizes its own canvas (else it keeps the old size, and a
    // view that was hidden stays black).
    if (this.#cpu) for (const id of visible) (engine.getViewport(id) as unknown as { resize(): void }).resize();
    if (cameras) for (const id of MPR_VIEWS) if (cameras[id] && this.#isVisible(id)) engine.getViewport(id).setCamera(cameras[id]);
    if (visible.length) engine.renderViewports(visible);
    if (this.#isVisible('three') && this.#size('three') !== threeSize) this.#renderSoon(['three']);
  }

  /** Size of a view's canvas (what was last rendered), which resize() changes to the element's new size. */
  #size(id: ViewId): string {
    const canvas = this.#engine?.getViewport(id)?.element.querySelector('canvas');
    return canvas ? `${canvas.width}x${canvas.height}` : '';
  }

  /** Resolves on the next IMAGE_RENDERED of a view (first-frame timing, tests). */
  nextRender(id: ViewId): Promise<void> {
    const element = this.#requireEngine().getViewport(id).element;
    return new Promise((resolve) => element.addEventListener(Enums.Events.IMAGE_RENDERED, () => resolve(), { once: true }));
  }

  destroy(): void {
    for (const d of this.#detach.splice(0)) d();
    this.#overlay.remove();
    releaseVolumes(this.#volumes);
    this.#volumes = undefined;
    this.#three.dispose();
    this.#engine?.destroy();
    this.#engine = undefined;
  }

  #requireEngine(): RenderingEngine {
    if (!this.#engine) throw new Error('the viewer is not mounted yet');
    return this.#engine;
  }
}
