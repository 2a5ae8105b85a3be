/**
 * Cornerstone's W/L drag, made cheap enough for software GL. Its WindowLevelTool, on every mouse move, scans the
 * middle slice of the volume (262 k voxels through an array-allocating reduce) to scale the drag, then renders
 * every viewport that shows the volume, the 3D view included (seconds per move without a GPU). This one scales
 * the drag the same way but scans once per volume, and renders only the dragged view: ViewerEngine copies the
 * window to the other 2D views and redraws them when the drag pauses.
 */
import { BaseVolumeViewport, cache, Enums, getEnabledElement, triggerEvent, type Types } from '@cornerstonejs/core';
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
    const { element, deltaPoints, viewportId } = evt.detail;
    const viewport = getEnabledElement(element)?.viewport as Types.IVolumeViewport | undefined;
    const volumeId = viewport && imageVolumeId(viewport);
    const { voiRange, VOILUTFunction } = viewport?.getProperties(volumeId) ?? {};
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
    viewport.setProperties({ voiRange: range }, volumeId);
    // A CPU-drawn (planar) view applies the legacy setProperties without the VOI event a volume viewport sends;
    // the viewer needs it to give the other views and the status bar the new W/L.
    // It also renders inside setProperties, where a volume viewport waits for render().
    if ((viewport as unknown) instanceof BaseVolumeViewport) viewport.render();
    else triggerEvent(element, Enums.Events.VOI_MODIFIED, { viewportId, range, volumeId, VOILUTFunction });
  }
}

/**
 * The CT volume of a 2D view. Named, not "the viewport's volume": a CPU-drawn (planar) view answers with its
 * active data, which is the labelmap once that is shown, and the drag would then window the labels.
 */
function imageVolumeId(viewport: Types.IVolumeViewport): string | undefined {
  const ids = viewport.getAllVolumeIds?.() ?? [];
  return ids.find((id) => cache.getVolume(id)?.metadata?.Modality !== 'SEG') ?? viewport.getVolumeId?.();
}
