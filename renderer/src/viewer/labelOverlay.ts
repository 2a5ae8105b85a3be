/**
 * The labelmap drawn over the 2D views (Cornerstone's segmentation representation): style, colours,
 * visibility, and which views redraw after an edit. Style, colour and visibility live in the segmentation
 * render pass, so a plain viewport render would not apply them.
 */
import type { RenderingEngine } from '@cornerstonejs/core';
import { segmentation, utilities as csToolsUtilities, Enums as ToolEnums } from '@cornerstonejs/tools';
import { markSlicesUpdated } from './volumeFactory.js';
import { MPR_VIEWS, type MprViewId } from './viewports.js';
import { segmentColor } from './presets.js';
import { softwareGl } from './glInfo.js';

export interface LabelStyle {
  readonly opacity: number;
  readonly outline: boolean;
  readonly visible: boolean;
}

const SEGMENTATION_ID = 'lobule-labels';
const Labelmap = ToolEnums.SegmentationRepresentations.Labelmap;
/** Segment values whose colour is set up front (Lobule's palette; a user-picked colour replaces one). */
const PALETTE_VALUES = 15;

export class LabelOverlay {
  /** Axial slices edited mid-stroke whose other 2D views are not redrawn yet. */
  readonly #pending = new Set<number>();
  readonly #colors: ReadonlyMap<number, readonly [number, number, number]>;

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
    segmentation.segmentationStyle.setStyle(
      { type: Labelmap },
      {
        renderFill: !style.outline,
        // The fill's outline is drawn by sampling neighbours in the fragment shader: on software GL that doubled the
        // cost of a frame after a W/L change (179 → 85 ms of CPU) and added ~20 % to others, so there the fill goes
        // without it (Outline mode still draws it).
        renderOutline: style.outline || !softwareGl(),
        fillAlpha: style.opacity,
        outlineOpacity: style.outline ? 1 : Math.min(1, style.opacity + 0.2),
        outlineWidth: style.outline ? 2 : 1,
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
    for (const id of MPR_VIEWS) {
      segmentation.config.visibility.setSegmentIndexVisibility(id, { segmentationId: SEGMENTATION_ID, type: Labelmap }, value, visible);
    }
    this.#redraw();
  }

  /**
   * Mid-stroke: re-uploads the dirty slices and redraws only the view being painted. Going through Cornerstone's
   * data-modified event would redraw every view showing the labelmap (3 software-GL frames per mouse move).
   * Otherwise (stroke end, undo, operations): one data-modified event for everything pending.
   */
  changed(
    engine: RenderingEngine | undefined,
    labelVolumeId: string,
    slices: readonly number[],
    final: boolean,
    paintingIn?: MprViewId,
  ): void {
    for (const k of slices) this.#pending.add(k);
    if (!final && paintingIn) {
      markSlicesUpdated(labelVolumeId, slices);
      engine?.renderViewports([paintingIn]);
      return;
    }
    if (this.#pending.size > 0) {
      segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(SEGMENTATION_ID, [...this.#pending]);
      this.#pending.clear();
    }
  }

  #redraw(): void {
    if (segmentation.state.getSegmentation(SEGMENTATION_ID))
      csToolsUtilities.segmentation.triggerSegmentationRenderBySegmentationId(SEGMENTATION_ID);
  }
}
