/**
 * The 3D view: every segment as a smooth lit surface (surfaceActors.ts), and the CT as a faint volume rendering
 * where a real GPU draws it (on software GL one such frame costs seconds, so there it is off unless asked for).
 * It renders only when its own content changes (a case shown, surfaces recomputed after an edit, a colour or
 * visibility changed, its size changed), never for a 2D slice step or a brush move.
 */
import type { RenderingEngine, Types } from '@cornerstonejs/core';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import type { BuiltVolumes } from './volumeFactory.js';
import { segmentColor } from './presets.js';
import { frameShown } from './frames.js';
import { enableOrientationCube } from './toolBindings.js';
import { SurfaceActors } from './surfaceActors.js';
import { softwareGl } from './glInfo.js';

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

/** The eight corners of the volume in LPS mm. */
function volumeCorners(built: BuiltVolumes): number[][] {
  const { origin, spacing, direction: d } = built.geometry;
  const out: number[][] = [];
  for (const i of [0, built.dims[0] - 1])
    for (const j of [0, built.dims[1] - 1])
      for (const k of [0, built.dims[2] - 1]) {
        const [u, v, w] = [i * spacing[0], j * spacing[1], k * spacing[2]];
        out.push([0, 1, 2].map((r) => origin[r] + u * d[r] + v * d[3 + r] + w * d[6 + r]));
      }
  return out;
}

/**
 * Points the camera at the volume's centre from far enough that the whole volume (its bounding sphere) fits the
 * smaller side of the view, whatever the segments' extent: the liver dome is never cut off at the view's edge.
 */
function fitWholeVolume(vp: Types.IVolumeViewport, built: BuiltVolumes): void {
  const camera = vp.getCamera();
  const corners = volumeCorners(built);
  const centre = [0, 1, 2].map((r) => corners.reduce((sum, c) => sum + c[r], 0) / corners.length) as Types.Point3;
  const radius = Math.max(...corners.map((c) => Math.hypot(c[0] - centre[0], c[1] - centre[1], c[2] - centre[2])));
  const margin = 1.05;
  const { clientWidth: w, clientHeight: h } = vp.element;
  const aspect = w > 0 && h > 0 ? Math.min(1, w / h) : 1;
  const n = camera.viewPlaneNormal ?? [0, 0, 1];
  const angle = ((camera.viewAngle ?? 30) * Math.PI) / 360;
  const distance = camera.parallelProjection ? radius * 4 : (radius * margin) / aspect / Math.tan(angle);
  const position: Types.Point3 = [centre[0] + n[0] * distance, centre[1] + n[1] * distance, centre[2] + n[2] * distance];
  vp.setCamera({ focalPoint: centre, position, parallelScale: (radius * margin) / aspect });
  (vp as unknown as { getRenderer(): { resetCameraClippingRange(): void } }).getRenderer().resetCameraClippingRange();
}

export class ThreeView {
  #enabled = true;
  /** Whether the CT is volume-rendered too (default: only with a real GPU). */
  #ctVolume = !softwareGl();
  #ready: Promise<void> = Promise.resolve();
  #built: BuiltVolumes | undefined;
  /** Axial slices edited since the surfaces were last brought up to date. */
  readonly #pending = new Set<number>();
  readonly #surfaces: SurfaceActors;
  readonly #engine: () => RenderingEngine | undefined;

  constructor(
    engine: () => RenderingEngine | undefined,
    colors: ReadonlyMap<number, readonly [number, number, number]>,
    onError: (e: unknown) => void,
  ) {
    this.#engine = engine;
    this.#surfaces = new SurfaceActors({
      viewport: () => this.#viewport(),
      colorOf: (value) => colors.get(value) ?? segmentColor(value),
      render: () => this.#render(),
      firstSurfaces: () => this.#fit(),
      error: onError,
    });
  }

  /** Resolves when the 3D view of the last shown case shows its surfaces (tests, benchmarks). */
  get ready(): Promise<void> {
    return this.#ready.then(() => this.#surfaces.settled);
  }

  /** Worker time of the last surface computation, ms. */
  get lastSurfaceMs(): number {
    return this.#surfaces.lastMs;
  }

  get ctVolume(): boolean {
    return this.#ctVolume;
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
  }

  /** Volume-renders the CT behind the surfaces, or not. */
  setCtVolume(on: boolean): void {
    if (on === this.#ctVolume) return;
    this.#ctVolume = on;
    const built = this.#built;
    const vp = this.#viewport();
    if (!built || !vp) return;
    if (on) this.#ready = this.#addCt(vp, built).then(() => this.#render());
    else {
      vp.removeActors([built.imageVolumeId]);
      this.#render();
    }
  }

  /** Empties the view (a new case is about to be shown). */
  clear(): void {
    this.#surfaces.clear();
    this.#viewport()?.removeAllActors();
    this.#built = undefined;
    this.#pending.clear();
  }

  /**
   * Sets the view up for a case in the background, once the frame with the case's first slices is on screen:
   * its surfaces, orientation cube and first frame cost ~0.2 s of the main thread even before the meshes come,
   * which would hold that frame back. `current()` says whether that case is still the shown one.
   */
  show(built: BuiltVolumes, current: () => boolean, onError: (e: unknown) => void): void {
    this.#ready = frameShown()
      .then(() => this.#show(built, current))
      .catch(onError);
  }

  async #show(built: BuiltVolumes, current: () => boolean): Promise<void> {
    const vp = this.#viewport();
    if (!vp || !this.#enabled || !current()) return;
    this.#built = built;
    this.#pending.clear();
    this.#surfaces.show(built);
    if (this.#ctVolume) await this.#addCt(vp, built);
    if (!current()) return; // another case was opened meanwhile
    this.#fit();
    enableOrientationCube();
    this.#render();
  }

  async #addCt(vp: Types.IVolumeViewport, built: BuiltVolumes): Promise<void> {
    await vp.addVolumes([{ volumeId: built.imageVolumeId }]);
    const ct = vp.getActors().find((a) => a.referencedId === built.imageVolumeId)?.actor as Types.VolumeActor | undefined;
    if (ct) styleCt(ct);
    // Query `?quality=high` keeps the default ray step; otherwise 4× (~25× cheaper, still readable).
    const highQuality = new URLSearchParams(location.search).get('quality') === 'high';
    vp.setProperties({ sampleDistanceMultiplier: highQuality ? 1 : 4 }, built.imageVolumeId);
  }

  #fit(): void {
    const vp = this.#viewport();
    if (vp && this.#built) fitWholeVolume(vp, this.#built);
  }

  /** Notes edited axial slices; the surfaces follow only when `final` (stroke end, undo, operation). */
  labelsChanged(slices: readonly number[], final: boolean): void {
    for (const k of slices) this.#pending.add(k);
    const built = this.#built;
    if (!final || !built || this.#pending.size === 0) return;
    this.#surfaces.labelsChanged(built, this.#pending);
    this.#pending.clear();
  }

  setLabelsVisible(visible: boolean): void {
    this.#surfaces.setVisible(visible);
  }

  setSegmentVisible(value: number, visible: boolean): void {
    this.#surfaces.setSegmentVisible(value, visible);
  }

  colorsChanged(): void {
    this.#surfaces.colorsChanged();
  }

  dispose(): void {
    this.#surfaces.dispose();
  }

  #render(): void {
    const vp = this.#viewport();
    if (vp && vp.element.clientWidth > 0) this.#engine()?.renderViewports(['three']);
  }

  #viewport(): Types.IVolumeViewport | undefined {
    return this.#engine()?.getViewport('three') as Types.IVolumeViewport | undefined;
  }
}
