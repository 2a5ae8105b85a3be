/**
 * Makes the rendering engine's "render these viewports next frame" draw Cornerstone's CPU planar views (used without
 * a GPU, cornerstoneSetup.ts). Cornerstone 5.14's context-pool engine sends every viewport that is not a "custom
 * pipeline" one through its vtk.js path, and the planar viewport says it is not: a CPU-drawn view asked to render
 * by the engine (crosshairs moving the other views, a layout switch, the segmentation render pass, the viewer's own
 * deferred redraws) drew an empty vtk scene on its hidden WebGL canvas, at the cost of a software-GL frame, and its
 * visible canvas stayed as it was. Here such a view draws itself (PlanarViewport.render, which samples the slice
 * on the CPU and sends IMAGE_RENDERED itself); every other viewport goes the engine's way as before.
 */
import { ContextPoolRenderingEngine, PlanarViewport, type Types } from '@cornerstonejs/core';

type EngineRender = (this: unknown, viewport: Types.IViewport) => unknown;

let installed = false;

export function installCpuPlanarEngineRender(): void {
  if (installed) return;
  installed = true;
  const proto = ContextPoolRenderingEngine.prototype as unknown as { renderViewportUsingCustomOrVtkPipeline?: EngineRender };
  const original = proto.renderViewportUsingCustomOrVtkPipeline;
  if (typeof original !== 'function') return;
  proto.renderViewportUsingCustomOrVtkPipeline = function (this: unknown, viewport: Types.IViewport): unknown {
    const planar = viewport as unknown;
    if (!(planar instanceof PlanarViewport)) return original.call(this, viewport);
    // A hidden view (1×1 layout) is 0 px: nothing to draw, as the engine's own path would skip it. (Its element, not
    // its canvas: the CPU view hides the WebGL canvas and draws on a second one.)
    if (planar.element.clientWidth > 0 && planar.element.clientHeight > 0) planar.render();
    return undefined; // IMAGE_RENDERED was sent by the render itself
  };
}
