/**
 * Cornerstone's crosshairs, able to move the CPU-drawn views (no GPU, cornerstoneSetup.ts). A click moves the other
 * views only when the tool finds them "rendering the same scene"; for Cornerstone 5.14's planar (generic) viewports
 * it compares their view references' data ids, which are per viewport ("__planar_v2__:<viewport>:volume:<volume>"),
 * so no other view ever qualified. Here two views show the same scene when they show the same volumes in the same
 * frame of reference, as the tool decides for its legacy volume viewports. With a GPU the tool is unchanged.
 */
import { CrosshairsTool } from '@cornerstonejs/tools';

interface SceneViewport {
  getViewReference?(): { FrameOfReferenceUID?: string } | undefined;
  getAllVolumeIds?(): string[];
}

type SameScene = (viewport: SceneViewport, other: SceneViewport) => boolean;

export class LobuleCrosshairsTool extends CrosshairsTool {
  static override toolName = CrosshairsTool.toolName;

  constructor(...args: ConstructorParameters<typeof CrosshairsTool>) {
    super(...args);
    const self = this as unknown as { _checkIfViewportsRenderingSameScene?: SameScene };
    const cornerstones = self._checkIfViewportsRenderingSameScene;
    if (typeof cornerstones !== 'function') return;
    self._checkIfViewportsRenderingSameScene = (viewport, other) => {
      if (cornerstones(viewport, other)) return true;
      const frame = viewport.getViewReference?.()?.FrameOfReferenceUID;
      if (!frame || frame !== other.getViewReference?.()?.FrameOfReferenceUID) return false;
      const [a, b] = [viewport.getAllVolumeIds?.() ?? [], other.getAllVolumeIds?.() ?? []];
      return a.length > 0 && a.length === b.length && a.every((id) => b.includes(id));
    };
  }
}
