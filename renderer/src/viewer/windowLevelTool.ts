/**
 * Cornerstone's W/L drag, made cheap enough for software GL. Its WindowLevelTool, on every mouse move, scans the
 * middle slice of the volume (262 k voxels through an array-allocating reduce) to scale the drag, then renders
 * every viewport that shows the volume, the 3D view included (seconds per move without a GPU). This one scales
 * the drag the same way but scans once per volume, and renders only the dragged view: ViewerEngine copies the
 * window to the other 2D views and redraws them when the drag pauses.
 */
import { getEnabledElement, type Types } from '@cornerstonejs/core';
import { WindowLevelTool, type Types as ToolTypes } from '@cornerstonejs/tools';

export class LobuleWindowLevelTool extends WindowLevelTool {
  static override toolName = 'LobuleWindowLevel';

  /** Drag scale per volume id: the middle slice's dynamic range, which a W/L drag does not change. */
  readonly #multipliers = new Map<string, number>();

  override _getMultiplierFromDynamicRange(viewport: Types.IViewport, volumeId: string | undefined): number {
    if (!volumeId) return super._getMultiplierFromDynamicRange(viewport, volumeId);
    let multiplier = this.#multipliers.get(volumeId);
    if (multiplier === undefined) {
      multiplier = super._getMultiplierFromDynamicRange(viewport, volumeId);
      this.#multipliers.clear(); // one case is shown at a time: forget the previous volume's scale
      this.#multipliers.set(volumeId, multiplier);
    }
    return multiplier;
  }

  override mouseDragCallback(evt: ToolTypes.EventTypes.InteractionEventType): void {
    const { element, deltaPoints } = evt.detail;
    const viewport = getEnabledElement(element)?.viewport as Types.IVolumeViewport | undefined;
    const volumeId = viewport?.getVolumeId?.();
    const { voiRange, VOILUTFunction } = viewport?.getProperties() ?? {};
    if (!viewport || !volumeId || !voiRange) {
      super.mouseDragCallback(evt);
      return;
    }
    const range = this.getNewRange({
      viewport,
      deltaPointsCanvas: deltaPoints.canvas,
      volumeId,
      lower: voiRange.lower,
      upper: voiRange.upper,
      voiLutFunction: VOILUTFunction,
    });
    if (range.lower >= range.upper) return;
    viewport.setProperties({ voiRange: range });
    viewport.render();
  }
}
