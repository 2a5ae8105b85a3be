/**
 * The bridge between Lobule's state and Cornerstone3D: owns the rendering engine, the four viewports, the tool
 * groups and the segmentation representation of the opened case. No Svelte here (ViewerState drives it).
 */
import { RenderingEngine, Enums, getRenderingEngine, type Types } from '@cornerstonejs/core';
import {
  ToolGroupManager,
  CrosshairsTool,
  PanTool,
  ZoomTool,
  WindowLevelTool,
  StackScrollTool,
  TrackballRotateTool,
  segmentation,
  utilities as csToolsUtilities,
  Enums as ToolEnums,
} from '@cornerstonejs/tools';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import { startCornerstone } from './cornerstoneSetup.js';
import { buildVolumes, createLabels3d, markSlicesUpdated, releaseVolumes, syncLabels3d, type BuiltVolumes, type ImageScalars } from './volumeFactory.js';
import { MPR_TOOL_GROUP, MPR_VIEWS, RENDERING_ENGINE_ID, THREE_TOOL_GROUP, viewportInput, type MprViewId, type ViewId } from './viewports.js';
import { segmentColor, voiRange } from './presets.js';
import type { VolumeMeta } from '../../../engine/api/contract.js';
import type { NormalAxis } from '../edit/labelmapEditor.js';

/** What the primary mouse button does in the 2D views. */
export type NavigationMode = 'windowLevel' | 'crosshairs' | 'pan' | 'zoom';

export interface LabelStyle {
  readonly opacity: number;
  readonly outline: boolean;
  readonly visible: boolean;
}

const SEGMENTATION_ID = 'lobule-labels';
const Labelmap = ToolEnums.SegmentationRepresentations.Labelmap;

/**
 * Cornerstone sets `useLookupTableScalarRange` on volume properties, so transfer-function points are read relative
 * to the colour function's range; the 3D functions here are written in absolute HU / label values.
 */
function absoluteScalarRange(actor: Types.VolumeActor): void {
  const property = actor.getProperty() as unknown as { setUseLookupTableScalarRange?: (on: boolean) => void };
  property.setUseLookupTableScalarRange?.(false);
}

export class ViewerEngine {
  #engine: RenderingEngine | undefined;
  #volumes: BuiltVolumes | undefined;
  #mode: NavigationMode = 'windowLevel';
  #threeEnabled = true;
  #modeApplied = false;
  #threeReady: Promise<void> = Promise.resolve();
  /** The 3D view's labelmap copy of the shown case, once the 3D view is set up. */
  #labels3d: Uint8Array | undefined;
  /** Axial slices edited mid-stroke whose other 2D views are not redrawn yet. */
  readonly #pending2d = new Set<number>();
  /** Axial slices edited since the 3D copy was last refreshed. */
  readonly #pending3d = new Set<number>();
  /** User-picked segment colours (the 3D view uses them too). */
  readonly #colors = new Map<number, readonly [number, number, number]>();
  #label3dActor: Types.VolumeActor | undefined;
  /** "Hide labels" hides the 3D labelmap too; remembered for a 3D view built after the toggle. */
  #labelsVisible = true;
  /** Where failures of background work (the deferred 3D view) are reported. */
  onError: (e: unknown, what: string) => void = (e) => console.error(e);

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
      await this.#mountViews(elements);
      this.#markMounted();
    } catch (e) {
      this.#failMount(e);
      throw e;
    }
  }

  async #mountViews(elements: Readonly<Record<ViewId, HTMLDivElement>>): Promise<void> {
    await startCornerstone();
    getRenderingEngine(RENDERING_ENGINE_ID)?.destroy();
    const engine = new RenderingEngine(RENDERING_ENGINE_ID);
    engine.setViewports((Object.keys(elements) as ViewId[]).map((id) => viewportInput(id, elements[id])));
    this.#engine = engine;
    ToolGroupManager.destroyToolGroup(MPR_TOOL_GROUP);
    ToolGroupManager.destroyToolGroup(THREE_TOOL_GROUP);
    const mpr = ToolGroupManager.createToolGroup(MPR_TOOL_GROUP);
    const three = ToolGroupManager.createToolGroup(THREE_TOOL_GROUP);
    if (!mpr || !three) throw new Error('Cornerstone tool groups could not be created');
    for (const name of [WindowLevelTool.toolName, PanTool.toolName, ZoomTool.toolName, StackScrollTool.toolName]) mpr.addTool(name);
    mpr.addTool(CrosshairsTool.toolName, { getReferenceLineColor: () => 'rgb(255, 200, 60)', mobile: { enabled: false } });
    for (const id of MPR_VIEWS) mpr.addViewport(id, RENDERING_ENGINE_ID);
    for (const name of [TrackballRotateTool.toolName, ZoomTool.toolName, PanTool.toolName]) three.addTool(name);
    three.addViewport('three', RENDERING_ENGINE_ID);
    three.setToolActive(TrackballRotateTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    three.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
    three.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    this.#modeApplied = false;
    mpr.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
    mpr.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    mpr.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
    this.setMode(this.#mode);
  }

  /** Shows a case: builds its volumes, puts them in every view and renders; resolves after the first frame. */
  async show(meta: VolumeMeta, image: ImageScalars, labels: Uint8Array, style: LabelStyle, window: { window: number; level: number }): Promise<BuiltVolumes> {
    await this.#mounted;
    const engine = this.#requireEngine();
    this.#dropSegmentation();
    const previous = this.#volumes;
    const built = buildVolumes(meta, image, labels);
    this.#volumes = built;
    const voi = voiRange(window.window, window.level);
    await Promise.all(
      MPR_VIEWS.map(async (id) => {
        const vp = engine.getViewport(id) as Types.IVolumeViewport;
        await vp.setVolumes([{ volumeId: built.imageVolumeId }]);
        vp.setProperties({ voiRange: voi });
      }),
    );
    (engine.getViewport('three') as Types.IVolumeViewport).removeAllActors();
    this.#labels3d = undefined;
    this.#label3dActor = undefined;
    this.#pending3d.clear();
    releaseVolumes(previous);
    segmentation.addSegmentations([{ segmentationId: SEGMENTATION_ID, representation: { type: Labelmap, data: { volumeId: built.labelVolumeId } } }]);
    const map: Record<string, { segmentationId: string }[]> = {};
    for (const id of MPR_VIEWS) map[id] = [{ segmentationId: SEGMENTATION_ID }];
    await segmentation.addLabelmapRepresentationToViewportMap(map);
    // Cornerstone's own colour table differs from Lobule's (its value 2 is green, Lobule's tumour yellow): give
    // the 2D overlay the same colours as the segment list and the 3D view from the start.
    for (let v = 1; v < 16; v++) {
      const [r, g, b] = this.#colors.get(v) ?? segmentColor(v);
      for (const id of MPR_VIEWS) segmentation.config.color.setSegmentIndexColor(id, SEGMENTATION_ID, v, [r, g, b, 255]);
    }
    this.applyLabelStyle(style);
    for (const id of MPR_VIEWS) engine.getViewport(id).resetCamera();
    // A hidden view (1×1 layout) may never render: do not wait for it longer than a few seconds.
    const firstFrame = Promise.race([this.nextRender(this.#visibleMprView()), new Promise<void>((r) => setTimeout(r, 5000))]);
    engine.renderViewports([...MPR_VIEWS]);
    await firstFrame;
    // The 3D view follows once the slices are on screen: its first software-GL frame costs seconds on big CTs.
    this.#threeReady = this.#show3d(built).catch((e: unknown) => this.onError(e, 'Showing the 3D view'));
    return built;
  }

  #visibleMprView(): MprViewId {
    const engine = this.#requireEngine();
    return MPR_VIEWS.find((id) => engine.getViewport(id).element.clientWidth > 0) ?? 'axial';
  }

  /** Resolves when the 3D view of the last shown case is set up (tests, benchmarks). */
  get threeReady(): Promise<void> {
    return this.#threeReady;
  }

  async #show3d(built: BuiltVolumes): Promise<void> {
    const vp = this.#requireEngine().getViewport('three') as Types.IVolumeViewport;
    if (!this.#threeEnabled || this.#volumes !== built) return;
    const labels3d = createLabels3d(built);
    await vp.setVolumes([{ volumeId: built.imageVolumeId }, { volumeId: built.label3dVolumeId }]);
    if (this.#volumes !== built) return; // another case was opened meanwhile
    const actors = vp.getActors();
    const ct = actors.find((a) => a.referencedId === built.imageVolumeId)?.actor as Types.VolumeActor | undefined;
    const lab = actors.find((a) => a.referencedId === built.label3dVolumeId)?.actor as Types.VolumeActor | undefined;
    if (ct) {
      // Bone and contrast-filled vessels faintly, soft tissue nearly transparent: the liver segment stays visible.
      const color = vtkColorTransferFunction.newInstance();
      color.addRGBPoint(-200, 0.55, 0.25, 0.15);
      color.addRGBPoint(150, 0.88, 0.6, 0.3);
      color.addRGBPoint(1000, 1, 1, 0.9);
      const opacity = vtkPiecewiseFunction.newInstance();
      opacity.addPoint(100, 0);
      opacity.addPoint(300, 0.08);
      opacity.addPoint(1000, 0.3);
      ct.getProperty().setRGBTransferFunction(0, color);
      ct.getProperty().setScalarOpacity(0, opacity);
      ct.getProperty().setShade(false);
      absoluteScalarRange(ct);
    }
    if (lab) {
      this.#label3dActor = lab;
      lab.setVisibility(this.#labelsVisible);
      this.#applyLabel3dColors();
      lab.getProperty().setInterpolationTypeToNearest();
      lab.getProperty().setShade(false);
      absoluteScalarRange(lab);
    }
    // Query `?quality=high` keeps the default ray step; otherwise 4× (software GL: ~100 ms instead of ~3 s).
    const highQuality = new URLSearchParams(location.search).get('quality') === 'high';
    vp.setProperties({ sampleDistanceMultiplier: highQuality ? 1 : 4 }, built.imageVolumeId);
    vp.resetCamera();
    syncLabels3d(built, labels3d, Array.from({ length: built.dims[2] }, (_, k) => k));
    this.#labels3d = labels3d;
    this.#pending3d.clear();
    vp.render();
  }

  setVoi(window: number, level: number): void {
    const engine = this.#requireEngine();
    for (const id of MPR_VIEWS) {
      (engine.getViewport(id) as Types.IVolumeViewport).setProperties({ voiRange: voiRange(window, level) });
    }
    engine.renderViewports([...MPR_VIEWS]);
  }

  /** Reads the current VOI of the axial view (after a W/L drag). */
  currentVoi(): { window: number; level: number } | undefined {
    const vp = this.#engine?.getViewport('axial') as Types.IVolumeViewport | undefined;
    const range = vp?.getProperties()?.voiRange;
    if (!range) return undefined;
    return { window: range.upper - range.lower, level: (range.upper + range.lower) / 2 };
  }

  setMode(mode: NavigationMode): void {
    if (mode === this.#mode && this.#modeApplied) return;
    this.#mode = mode;
    this.#modeApplied = true;
    const mpr = ToolGroupManager.getToolGroup(MPR_TOOL_GROUP);
    if (!mpr) return;
    const primary = [{ mouseButton: ToolEnums.MouseBindings.Primary }];
    for (const name of [WindowLevelTool.toolName, CrosshairsTool.toolName]) mpr.setToolPassive(name);
    if (mode === 'windowLevel') mpr.setToolActive(WindowLevelTool.toolName, { bindings: primary });
    else if (mode === 'crosshairs') mpr.setToolActive(CrosshairsTool.toolName, { bindings: primary });
    else if (mode === 'pan') mpr.setToolActive(PanTool.toolName, { bindings: [...primary, { mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    else if (mode === 'zoom') mpr.setToolActive(ZoomTool.toolName, { bindings: [...primary, { mouseButton: ToolEnums.MouseBindings.Secondary }] });
    if (mode !== 'pan') mpr.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    if (mode !== 'zoom') mpr.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
  }

  applyLabelStyle(style: LabelStyle): void {
    segmentation.segmentationStyle.setStyle(
      { type: Labelmap },
      {
        renderFill: !style.outline,
        renderOutline: true,
        fillAlpha: style.opacity,
        outlineOpacity: style.outline ? 1 : Math.min(1, style.opacity + 0.2),
        outlineWidth: style.outline ? 2 : 1,
        renderFillInactive: !style.outline,
        fillAlphaInactive: style.opacity,
      },
    );
    if (segmentation.state.getSegmentation(SEGMENTATION_ID)) {
      for (const id of MPR_VIEWS) segmentation.config.visibility.setSegmentationRepresentationVisibility(id, { segmentationId: SEGMENTATION_ID, type: Labelmap }, style.visible);
    }
    if (this.#labelsVisible !== style.visible) {
      this.#labelsVisible = style.visible;
      this.#label3dActor?.setVisibility(style.visible);
      if (this.#label3dActor) this.#engine?.renderViewports(['three']);
    }
    this.#redrawLabels();
  }

  /** Style, colour and visibility live in the segmentation render pass: a plain render would not apply them. */
  #redrawLabels(): void {
    if (segmentation.state.getSegmentation(SEGMENTATION_ID)) {
      csToolsUtilities.segmentation.triggerSegmentationRenderBySegmentationId(SEGMENTATION_ID);
    }
  }

  /** Colour and opacity functions of the 3D labelmap: one colour per segment value, background transparent. */
  #applyLabel3dColors(): void {
    const lab = this.#label3dActor;
    if (!lab) return;
    const color = vtkColorTransferFunction.newInstance();
    const opacity = vtkPiecewiseFunction.newInstance();
    opacity.addPoint(0, 0);
    for (let v = 1; v < 16; v++) {
      const [r, g, b] = this.#colors.get(v) ?? segmentColor(v);
      color.addRGBPoint(v, r / 255, g / 255, b / 255);
      opacity.addPoint(v - 0.5, 0);
      opacity.addPoint(v, 0.25);
    }
    lab.getProperty().setRGBTransferFunction(0, color);
    lab.getProperty().setScalarOpacity(0, opacity);
  }

  setSegmentColor(value: number, rgb: readonly [number, number, number]): void {
    this.#colors.set(value, rgb);
    this.#applyLabel3dColors();
    this.#engine?.renderViewports(['three']);
    for (const id of MPR_VIEWS) segmentation.config.color.setSegmentIndexColor(id, SEGMENTATION_ID, value, [rgb[0], rgb[1], rgb[2], 255]);
    this.#redrawLabels();
  }

  setSegmentVisible(value: number, visible: boolean): void {
    for (const id of MPR_VIEWS) segmentation.config.visibility.setSegmentIndexVisibility(id, { segmentationId: SEGMENTATION_ID, type: Labelmap }, value, visible);
    this.#redrawLabels();
  }

  /**
   * Tells Cornerstone which axial slices of the labelmap changed: only those texture slices are re-uploaded.
   * The 3D view re-renders only when `final` (stroke end), since a software 3D frame costs ~100 ms.
   */
  labelsChanged(slices: readonly number[], final: boolean, paintingIn?: MprViewId): void {
    for (const k of slices) {
      this.#pending3d.add(k);
      this.#pending2d.add(k);
    }
    const built = this.#volumes;
    if (!built) return;
    if (!final && paintingIn) {
      // Mid-stroke: upload the dirty slices and redraw only the view being painted. Going through Cornerstone's
      // data-modified event would redraw every view showing the labelmap (3 software-GL frames per mouse move).
      markSlicesUpdated(built.labelVolumeId, slices);
      this.#engine?.renderViewports([paintingIn]);
      return;
    }
    if (this.#pending2d.size > 0) {
      segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(SEGMENTATION_ID, [...this.#pending2d]);
      this.#pending2d.clear();
    }
    const labels3d = this.#labels3d;
    if (final && labels3d && this.#pending3d.size > 0) {
      syncLabels3d(built, labels3d, this.#pending3d);
      this.#pending3d.clear();
      this.#engine?.renderViewports(['three']);
    }
  }

  /** Which voxel axis is normal to a 2D view (the view plane of a 2D brush). */
  normalAxis(id: MprViewId): NormalAxis {
    const vp = this.#requireEngine().getViewport(id);
    const normal = vp.getCamera().viewPlaneNormal ?? [0, 0, 1];
    const dir = this.#volumes?.geometry.direction ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
    let best: NormalAxis = 2;
    let bestDot = -1;
    for (const axis of [0, 1, 2] as const) {
      const dot = Math.abs(normal[0] * dir[axis * 3] + normal[1] * dir[axis * 3 + 1] + normal[2] * dir[axis * 3 + 2]);
      if (dot > bestDot) { bestDot = dot; best = axis; }
    }
    return best;
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

  /** After the window or grid changed size; `refit` also fits the slices to their new views (layout switch). */
  resize(refit = false): void {
    const engine = this.#engine;
    if (!engine) return;
    engine.resize(true, true);
    if (refit && this.#volumes) {
      for (const id of MPR_VIEWS) engine.getViewport(id).resetCamera({ resetPan: true, resetZoom: true, resetToCenter: false });
    }
    engine.render();
  }

  set3dEnabled(enabled: boolean): void {
    this.#threeEnabled = enabled;
  }

  /** Resolves on the next IMAGE_RENDERED of a view (first-frame timing, tests). */
  nextRender(id: ViewId): Promise<void> {
    const element = this.#requireEngine().getViewport(id).element;
    return new Promise((resolve) => element.addEventListener(Enums.Events.IMAGE_RENDERED, () => resolve(), { once: true }));
  }

  destroy(): void {
    this.#dropSegmentation();
    releaseVolumes(this.#volumes);
    this.#volumes = undefined;
    this.#engine?.destroy();
    this.#engine = undefined;
  }

  #dropSegmentation(): void {
    if (segmentation.state.getSegmentation(SEGMENTATION_ID)) segmentation.removeSegmentation(SEGMENTATION_ID);
  }

  #requireEngine(): RenderingEngine {
    if (!this.#engine) throw new Error('the viewer is not mounted yet');
    return this.#engine;
  }
}
