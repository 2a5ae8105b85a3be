/**
 * The labelmap drawn over the 2D views (Cornerstone's segmentation representation): style, colours,
 * visibility, and which views redraw after an edit. Style, colour and visibility live in the segmentation
 * render pass, so a plain viewport render would not apply them.
 */
import { getRenderingEngine, type RenderingEngine } from '@cornerstonejs/core';
import { segmentation, utilities as csToolsUtilities, Enums as ToolEnums } from '@cornerstonejs/tools';
import { markSlicesUpdated, markVolumeModified } from './volumeFactory.js';
import { MPR_VIEWS, RENDERING_ENGINE_ID, type MprViewId } from './viewports.js';
import { installCpuLabelLayer, setCpuLabelOutline } from './cpuLabelLayer.js';
import { segmentColor } from './presets.js';
import { cpuPlanar } from './cornerstoneSetup.js';

export interface LabelStyle {
  readonly opacity: number;
  readonly outline: boolean;
  readonly visible: boolean;
}

const SEGMENTATION_ID = 'lobule-labels';
const Labelmap = ToolEnums.SegmentationRepresentations.Labelmap;
/** Segment values whose colour is set up front (Lobule's palette; a user-picked colour replaces one). */
const PALETTE_VALUES = 15;
/** Outline mode's line width (pixels). */
const OUTLINE_WIDTH = 2;

/** How long add() waits for Cornerstone to mount the label layer of the CPU-drawn views. */
const MOUNT_WAIT_MS = 2000;

/**
 * The label layers of the CPU-drawn views, once Cornerstone has mounted them. It mounts them a frame or more after
 * the representation is added, and then puts each view back on the slice it showed when the mount began: a slice
 * set in between (a case opened at a given slice, a step right after opening) was undone. Waiting here makes the
 * viewer set cameras after the mount. Gives what is mounted after MOUNT_WAIT_MS in any case.
 */
async function mountedCpuLabelLayers(): Promise<unknown[]> {
  const engine = getRenderingEngine(RENDERING_ENGINE_ID);
  const layers = (): unknown[] =>
    MPR_VIEWS.map(
      (id) =>
        (engine?.getViewport(id)?.getActors() as { actor: unknown; representationUID?: string }[] | undefined)?.find(
          (entry) => entry.representationUID,
        )?.actor,
    );
  const until = performance.now() + MOUNT_WAIT_MS;
  while (layers().some((a) => !a) && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
  return layers().filter((a) => a);
}

export class LabelOverlay {
  /** Axial slices edited mid-stroke whose other 2D views are not redrawn yet. */
  readonly #pending = new Set<number>();
  readonly #colors: ReadonlyMap<number, readonly [number, number, number]>;
  /** Label values whose segment is hidden (the CPU-drawn outline skips them, as the GPU outline does). */
  readonly #hidden = new Set<number>();
  #style: LabelStyle | undefined;

  constructor(colors: ReadonlyMap<number, readonly [number, number, number]>) {
    this.#colors = colors;
  }

  /** Shows the labelmap volume in every 2D view, in Lobule's colours and the given style. */
  async add(labelVolumeId: string, style: LabelStyle): Promise<void> {
    this.remove();
    this.#pending.clear();
    segmentation.addSegmentations([
      { segmentationId: SEGMENTATION_ID, representation: { type: Labelmap, data: { volumeId: labelVolumeId } } },
    ]);
    const map: Record<string, { segmentationId: string }[]> = {};
    for (const id of MPR_VIEWS) map[id] = [{ segmentationId: SEGMENTATION_ID }];
    await segmentation.addLabelmapRepresentationToViewportMap(map);
    if (cpuPlanar()) for (const actor of await mountedCpuLabelLayers()) installCpuLabelLayer(actor);
    // Cornerstone's own colour table differs from Lobule's (its value 2 is green, Lobule's tumour yellow): give
    // the 2D overlay the same colours as the segment list and the 3D view from the start.
    for (let v = 1; v <= PALETTE_VALUES; v++) {
      const [r, g, b] = this.#colors.get(v) ?? segmentColor(v);
      for (const id of MPR_VIEWS) segmentation.config.color.setSegmentIndexColor(id, SEGMENTATION_ID, v, [r, g, b, 255]);
    }
    this.setStyle(style);
  }

  remove(): void {
    if (segmentation.state.getSegmentation(SEGMENTATION_ID)) segmentation.removeSegmentation(SEGMENTATION_ID);
  }

  setStyle(style: LabelStyle): void {
    this.#style = style;
    this.#setCpuOutline();
    segmentation.segmentationStyle.setStyle(
      { type: Labelmap },
      {
        renderFill: !style.outline,
        // The GPU-drawn fill carries its outline. The CPU-drawn views (no GPU) take Outline mode from
        // #setCpuOutline (cpuLabelLayer.ts) and fill without one, as software GL did: there the shader outline
        // doubled the cost of a frame.
        renderOutline: style.outline || !cpuPlanar(),
        fillAlpha: style.opacity,
        outlineOpacity: style.outline ? 1 : Math.min(1, style.opacity + 0.2),
        outlineWidth: style.outline ? OUTLINE_WIDTH : 1,
        renderFillInactive: !style.outline,
        fillAlphaInactive: style.opacity,
      },
    );
    if (segmentation.state.getSegmentation(SEGMENTATION_ID)) {
      for (const id of MPR_VIEWS) {
        segmentation.config.visibility.setSegmentationRepresentationVisibility(
          id,
          { segmentationId: SEGMENTATION_ID, type: Labelmap },
          style.visible,
        );
      }
    }
    this.#redraw();
  }

  setColor(value: number, rgb: readonly [number, number, number]): void {
    for (const id of MPR_VIEWS) segmentation.config.color.setSegmentIndexColor(id, SEGMENTATION_ID, value, [rgb[0], rgb[1], rgb[2], 255]);
    this.#redraw();
  }

  setSegmentVisible(value: number, visible: boolean): void {
    if (visible) this.#hidden.delete(value);
    else this.#hidden.add(value);
    this.#setCpuOutline();
    for (const id of MPR_VIEWS) {
      segmentation.config.visibility.setSegmentIndexVisibility(id, { segmentationId: SEGMENTATION_ID, type: Labelmap }, value, visible);
    }
    this.#redraw();
  }

  /**
   * Mid-stroke: marks the labelmap changed and redraws only the view being painted. Going through Cornerstone's
   * data-modified event would redraw every view showing the labelmap (3 software-GL frames per mouse move).
   * Otherwise (stroke end, undo, operations): one data-modified event for everything pending.
   * A GPU view re-uploads the dirty slices of its texture; a CPU view resamples its slice after the volume's
   * modified event, which Cornerstone is configured not to answer with a redraw of every view (cornerstoneSetup.ts),
   * so the views to show it are rendered here (`visible`).
   */
  changed(
    engine: RenderingEngine | undefined,
    labelVolumeId: string,
    slices: readonly number[],
    final: boolean,
    paintingIn: MprViewId | undefined,
    visible: readonly MprViewId[],
  ): void {
    for (const k of slices) this.#pending.add(k);
    if (!final && paintingIn) {
      if (cpuPlanar()) markVolumeModified(labelVolumeId);
      else markSlicesUpdated(labelVolumeId, slices);
      engine?.renderViewports([paintingIn]);
      return;
    }
    if (this.#pending.size > 0) {
      segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(SEGMENTATION_ID, [...this.#pending]);
      this.#pending.clear();
      // (The data-modified event also tells the CPU-drawn views that the labels changed; they redraw when asked.)
      if (cpuPlanar() && visible.length) engine?.renderViewports([...visible]);
    }
  }

  /** The CPU-drawn label layer's outline (cpuLabelLayer.ts): Outline mode's width and opacity as setStyle gives the GPU. */
  #setCpuOutline(): void {
    const outline = this.#style?.outline;
    setCpuLabelOutline(outline ? { width: OUTLINE_WIDTH, opacity: 1, hidden: new Set(this.#hidden) } : undefined);
  }

  #redraw(): void {
    if (segmentation.state.getSegmentation(SEGMENTATION_ID))
      csToolsUtilities.segmentation.triggerSegmentationRenderBySegmentationId(SEGMENTATION_ID);
  }
}
