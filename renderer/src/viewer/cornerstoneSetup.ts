/**
 * One-time start of Cornerstone3D core + tools. The cheap 3D setting (shading off, larger ray step) is applied
 * to the 3D viewport only (viewerEngine.ts): set globally, the larger step also multiplies the opacity of the 2D
 * label overlay (vtk's opacity correction), making a 45 % fill look opaque.
 */
import { init as initCore, isCornerstoneInitialized } from '@cornerstonejs/core';
import {
  init as initTools,
  addTool,
  CrosshairsTool,
  PanTool,
  ZoomTool,
  WindowLevelTool,
  StackScrollTool,
  TrackballRotateTool,
} from '@cornerstonejs/tools';

let started: Promise<void> | undefined;

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    if (isCornerstoneInitialized()) return;
    initCore();
    initTools();
    for (const tool of [CrosshairsTool, PanTool, ZoomTool, WindowLevelTool, StackScrollTool, TrackballRotateTool]) {
      addTool(tool);
    }
  })();
  return started;
}
