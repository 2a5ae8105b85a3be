/**
 * One-time start of Cornerstone3D core + tools. The cheap 3D setting (shading off, larger ray step) is applied
 * to the 3D viewport only (viewerEngine.ts): set globally, the larger step also multiplies the opacity of the 2D
 * label overlay (vtk's opacity correction), making a 45 % fill look opaque.
 */
import { init as initCore, isCornerstoneInitialized } from '@cornerstonejs/core';
import { init as initTools, addTool } from '@cornerstonejs/tools';
import { VIEW_TOOLS } from './viewTools.js';

let started: Promise<void> | undefined;

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    if (isCornerstoneInitialized()) return;
    // (preferSizeOverAccuracy, i.e. half-float textures, was measured: open of a 512×512×300 CT went from 3.0 s
    // to 5.1 s here, the float→half conversion on the CPU costs more than the smaller upload saves.)
    initCore();
    initTools();
    for (const tool of Object.values(VIEW_TOOLS)) addTool(tool);
  })();
  return started;
}
