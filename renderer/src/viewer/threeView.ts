/**
 * The 3D view: the CT (bone and contrast faintly) and the labelmap as volume renderings. It renders only when
 * its own content changes (a case shown, a stroke ended, a colour or visibility changed), never for a 2D slice
 * step or a brush move: a software-GL 3D frame costs ~100 ms even at the cheap ray step.
 */
import type { RenderingEngine, Types } from '@cornerstonejs/core';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import { createLabels3d, syncLabels3d, type BuiltVolumes } from './volumeFactory.js';
import { segmentColor } from './presets.js';
import { enableOrientationCube } from './toolBindings.js';

/**
 * Cornerstone sets `useLookupTableScalarRange` on volume properties, so transfer-function points are read relative
 * to the colour function's range; the 3D functions here are written in absolute HU / label values.
 */
function absoluteScalarRange(actor: Types.VolumeActor): void {
  const property = actor.getProperty() as unknown as { setUseLookupTableScalarRange?: (on: boolean) => void };
  property.setUseLookupTableScalarRange?.(false);
}

/** Bone and contrast-filled vessels faintly, soft tissue nearly transparent: the segments stay visible. */
function styleCt(ct: Types.VolumeActor): void {
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

/**
 * resetCamera frames the volume's bounding box tightly, so a rotated or tall volume loses its top (the liver
 * dome) at the view's edge: step back until the box's bounding sphere fits the smaller side of the view.
 */
function fitWholeVolume(vp: Types.IVolumeViewport): void {
  const camera = vp.getCamera();
  const bounds = (vp.getDefaultActor()?.actor as { getBounds?: () => number[] } | undefined)?.getBounds?.();
  if (!camera.focalPoint || !camera.position || !bounds) return;
  const radius = Math.hypot(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]) / 2;
  const margin = 1.05;
  const { clientWidth: w, clientHeight: h } = vp.element;
  const aspect = w > 0 && h > 0 ? Math.min(1, w / h) : 1;
  if (camera.parallelProjection) {
    vp.setCamera({ parallelScale: (radius * margin) / aspect });
    return;
  }
  const angle = ((camera.viewAngle ?? 30) * Math.PI) / 360;
  const distance = (radius * margin) / aspect / Math.tan(angle);
  const f = camera.focalPoint;
  const n = camera.viewPlaneNormal ?? [0, 0, 1];
  vp.setCamera({ position: [f[0] + n[0] * distance, f[1] + n[1] * distance, f[2] + n[2] * distance] });
}

export class ThreeView {
  #enabled = true;
  #ready: Promise<void> = Promise.resolve();
  /** The 3D view's labelmap copy of the shown case, once set up. */
  #labels3d: Uint8Array | undefined;
  #built: BuiltVolumes | undefined;
  #labelActor: Types.VolumeActor | undefined;
  /** Axial slices edited since the 3D copy was last refreshed. */
  readonly #pending = new Set<number>();
  #labelsVisible = true;
  readonly #colors: ReadonlyMap<number, readonly [number, number, number]>;
  readonly #engine: () => RenderingEngine | undefined;

  constructor(engine: () => RenderingEngine | undefined, colors: ReadonlyMap<number, readonly [number, number, number]>) {
    this.#engine = engine;
    this.#colors = colors;
  }

  /** Resolves when the 3D view of the last shown case is set up (tests, benchmarks). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
  }

  /** Empties the view (a new case is about to be shown). */
  clear(): void {
    this.#viewport()?.removeAllActors();
    this.#labels3d = undefined;
    this.#labelActor = undefined;
    this.#built = undefined;
    this.#pending.clear();
  }

  /** Sets the view up for a case in the background; `current()` says whether that case is still the shown one. */
  show(built: BuiltVolumes, current: () => boolean, onError: (e: unknown) => void): void {
    this.#ready = this.#show(built, current).catch(onError);
  }

  async #show(built: BuiltVolumes, current: () => boolean): Promise<void> {
    const vp = this.#viewport();
    if (!vp || !this.#enabled || !current()) return;
    const labels3d = createLabels3d(built);
    await vp.setVolumes([{ volumeId: built.imageVolumeId }, { volumeId: built.label3dVolumeId }]);
    if (!current()) return; // another case was opened meanwhile
    const actors = vp.getActors();
    const ct = actors.find((a) => a.referencedId === built.imageVolumeId)?.actor as Types.VolumeActor | undefined;
    const lab = actors.find((a) => a.referencedId === built.label3dVolumeId)?.actor as Types.VolumeActor | undefined;
    if (ct) styleCt(ct);
    if (lab) {
      this.#labelActor = lab;
      lab.setVisibility(this.#labelsVisible);
      this.#applyColors();
      lab.getProperty().setInterpolationTypeToNearest();
      lab.getProperty().setShade(false);
      absoluteScalarRange(lab);
    }
    // Query `?quality=high` keeps the default ray step; otherwise 4× (software GL: ~100 ms instead of ~3 s).
    const highQuality = new URLSearchParams(location.search).get('quality') === 'high';
    vp.setProperties({ sampleDistanceMultiplier: highQuality ? 1 : 4 }, built.imageVolumeId);
    vp.resetCamera();
    fitWholeVolume(vp);
    syncLabels3d(
      built,
      labels3d,
      Array.from({ length: built.dims[2] }, (_, k) => k),
    );
    this.#labels3d = labels3d;
    this.#built = built;
    this.#pending.clear();
    enableOrientationCube();
    vp.render();
  }

  /** Notes edited axial slices; the view is refreshed (one frame) only when `final` (stroke end, undo, operation). */
  labelsChanged(slices: readonly number[], final: boolean): void {
    for (const k of slices) this.#pending.add(k);
    const built = this.#built;
    if (!final || !built || !this.#labels3d || this.#pending.size === 0) return;
    syncLabels3d(built, this.#labels3d, this.#pending);
    this.#pending.clear();
    this.#render();
  }

  setLabelsVisible(visible: boolean): void {
    if (this.#labelsVisible === visible) return;
    this.#labelsVisible = visible;
    this.#labelActor?.setVisibility(visible);
    if (this.#labelActor) this.#render();
  }

  colorsChanged(): void {
    this.#applyColors();
    if (this.#labelActor) this.#render();
  }

  /** Colour and opacity functions of the 3D labelmap: one colour per segment value, background transparent. */
  #applyColors(): void {
    const lab = this.#labelActor;
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

  #render(): void {
    const vp = this.#viewport();
    if (vp && vp.element.clientWidth > 0) this.#engine()?.renderViewports(['three']);
  }

  #viewport(): Types.IVolumeViewport | undefined {
    return this.#engine()?.getViewport('three') as Types.IVolumeViewport | undefined;
  }
}
