/**
 * The segments of the shown case as smooth lit surfaces in the 3D view: one vtk.js actor per segment value, its
 * mesh computed by the surface worker and recomputed a moment after edits (strokes, undo, operations), in the
 * segment's colour. The worker keeps its own labelmap copy, so an update sends only the edited slices.
 */
import type { Types } from '@cornerstonejs/core';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import type { BuiltVolumes } from './volumeFactory.js';
import type { SegmentSurface } from './surfaceMesher.js';
import type { SurfaceReply, SurfaceRequest } from './surfaceProtocol.js';

/** Wait after the last edit before re-meshing: a burst of strokes costs one update. */
const REMESH_DELAY_MS = 600;

type Rgb = readonly [number, number, number];

export interface SurfaceHost {
  /** The 3D viewport, when it exists. */
  viewport(): Types.IVolumeViewport | undefined;
  colorOf(value: number): Rgb;
  /** Renders the 3D view (only when it is on screen). */
  render(): void;
  /** Called after the first surfaces of a case are in the view (the camera can then be fitted). */
  firstSurfaces(): void;
  error(e: unknown): void;
}

const actorUid = (value: number): string => `lobule-surface-${value}`;

export class SurfaceActors {
  #worker: Worker | undefined;
  #caseTag: string | undefined;
  #request = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #actors = new Map<number, vtkActor>();
  readonly #hidden = new Set<number>();
  #visible = true;
  #first = false;
  #settled: () => void = () => undefined;
  /** Resolves when the surfaces of the last request are in the view (tests, benchmarks). */
  settled: Promise<void> = Promise.resolve();
  /** Time the worker took for the last surfaces (ms). */
  lastMs = 0;
  readonly #host: SurfaceHost;

  constructor(host: SurfaceHost) {
    this.#host = host;
  }

  /** Starts computing the surfaces of a newly shown case. */
  show(built: BuiltVolumes): void {
    this.clear();
    this.#caseTag = built.labelVolumeId;
    this.#first = true;
    const labels = built.labels.slice();
    this.#post({ kind: 'init', caseTag: this.#caseTag, dims: built.dims, geometry: built.geometry, labels }, [labels.buffer]);
    this.#mesh();
  }

  /** Edited axial slices of the shown case; the surfaces follow a moment after the last edit. */
  labelsChanged(built: BuiltVolumes, slices: Iterable<number>): void {
    if (!this.#caseTag || this.#caseTag !== built.labelVolumeId) return;
    const list = [...slices];
    if (list.length === 0) return;
    const plane = built.dims[0] * built.dims[1];
    const data = new Uint8Array(list.length * plane);
    list.forEach((k, n) => data.set(built.labels.subarray(k * plane, (k + 1) * plane), n * plane));
    this.#post({ kind: 'slices', caseTag: this.#caseTag, slices: list, data }, [data.buffer]);
    this.#pending();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#mesh(), REMESH_DELAY_MS);
  }

  /** Removes every surface (a new case is about to be shown). */
  clear(): void {
    clearTimeout(this.#timer);
    const vp = this.#host.viewport();
    if (vp && this.#actors.size) vp.removeActors([...this.#actors.keys()].map(actorUid));
    this.#actors.clear();
    this.#caseTag = undefined;
    this.#settled();
  }

  setVisible(visible: boolean): void {
    this.#visible = visible;
    this.#applyVisibility();
  }

  setSegmentVisible(value: number, visible: boolean): void {
    if (visible) this.#hidden.delete(value);
    else this.#hidden.add(value);
    this.#applyVisibility();
  }

  colorsChanged(): void {
    for (const [value, actor] of this.#actors) this.#paint(value, actor);
    if (this.#actors.size) this.#host.render();
  }

  dispose(): void {
    this.clear();
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  #applyVisibility(): void {
    for (const [value, actor] of this.#actors) actor.setVisibility(this.#visible && !this.#hidden.has(value));
    if (this.#actors.size) this.#host.render();
  }

  #pending(): void {
    this.settled = new Promise((resolve) => {
      const previous = this.#settled;
      this.#settled = () => {
        previous();
        resolve();
      };
    });
  }

  #mesh(): void {
    if (!this.#caseTag) return;
    this.#pending();
    this.#post({ kind: 'mesh', caseTag: this.#caseTag, request: ++this.#request });
  }

  #post(message: SurfaceRequest, transfer: Transferable[] = []): void {
    if (!this.#worker) {
      this.#worker = new Worker(new URL('./surfaceWorker.ts', import.meta.url), { type: 'module' });
      this.#worker.onmessage = (e: MessageEvent<SurfaceReply>) => this.#receive(e.data);
      this.#worker.onerror = (e) => this.#host.error(new Error(`3D surface worker failed: ${e.message}`));
    }
    this.#worker.postMessage(message, transfer);
  }

  #receive(reply: SurfaceReply): void {
    if (reply.caseTag !== this.#caseTag || reply.request !== this.#request) return; // superseded
    if (reply.kind === 'error') {
      this.#host.error(new Error(`Computing the 3D surfaces: ${reply.message}`));
      this.#settled();
      return;
    }
    this.lastMs = reply.ms;
    this.#replace(reply.surfaces);
    if (this.#first) {
      this.#first = false;
      this.#host.firstSurfaces();
    }
    this.#host.render();
    this.#settled();
  }

  #replace(surfaces: readonly SegmentSurface[]): void {
    const vp = this.#host.viewport();
    if (!vp) return;
    const present = new Set(surfaces.map((s) => s.value));
    const gone = [...this.#actors.keys()].filter((v) => !present.has(v));
    if (gone.length) vp.removeActors(gone.map(actorUid));
    for (const v of gone) this.#actors.delete(v);
    for (const s of surfaces) {
      const poly = vtkPolyData.newInstance();
      poly.getPoints().setData(s.points, 3);
      poly.getPolys().setData(s.polys);
      if (s.normals.length)
        poly.getPointData().setNormals(vtkDataArray.newInstance({ name: 'Normals', numberOfComponents: 3, values: s.normals }));
      const existing = this.#actors.get(s.value);
      if (existing) {
        existing.getMapper()?.setInputData(poly);
        continue;
      }
      const mapper = vtkMapper.newInstance({ scalarVisibility: false });
      mapper.setInputData(poly);
      const actor = vtkActor.newInstance();
      actor.setMapper(mapper);
      this.#paint(s.value, actor);
      actor.setVisibility(this.#visible && !this.#hidden.has(s.value));
      this.#actors.set(s.value, actor);
      vp.addActor({ uid: actorUid(s.value), actor: actor as unknown as Types.Actor });
    }
  }

  #paint(value: number, actor: vtkActor): void {
    const [r, g, b] = this.#host.colorOf(value);
    const property = actor.getProperty();
    property.setColor(r / 255, g / 255, b / 255);
    property.setAmbient(0.15);
    property.setDiffuse(0.8);
    property.setSpecular(0.25);
    property.setSpecularPower(20);
  }
}
