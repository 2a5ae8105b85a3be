/**
 * One-time start of Cornerstone3D core + tools. The cheap 3D setting (shading off, larger ray step) is applied
 * to the 3D viewport only (viewerEngine.ts): set globally, the larger step also multiplies the opacity of the 2D
 * label overlay (vtk's opacity correction), making a 45 % fill look opaque.
 *
 * Without a GPU (software GL) the 2D views are drawn on the CPU (Cornerstone's planar viewport, render backend
 * 'cpu'): SwiftShader spends most of a 2D frame in `drawImage`, the CPU path reads one slice and draws it to a
 * 2D canvas (`ui.frames` at load ~3: slice step 110 → 40 ms median, brush move 91 → 41, W/L 74 → 24, open render
 * 3.8 → 0.5 s). The modules named cpu* make up what Cornerstone 5.14's CPU path lacks. With a GPU nothing changes.
 */
import { init as initCore, isCornerstoneInitialized, getConfiguration, setConfiguration, RenderBackends } from '@cornerstonejs/core';
import { init as initTools, addTool } from '@cornerstonejs/tools';
import { VIEW_TOOLS } from './viewTools.js';
import { softwareGl } from './glInfo.js';
import { installFastCpuSliceSampler } from './cpuSliceSampler.js';
import { installCpuPlanarEngineRender } from './cpuPlanarRender.js';

let started: Promise<void> | undefined;

/**
 * A labelmap edit re-renders a CPU view only when the viewer asks (the painted view mid-stroke, every view at
 * stroke end): Cornerstone would otherwise redraw every view on each volume-modified event (0) or once per this
 * many ms. Finite and below setTimeout's limit, so Cornerstone's deferred redraw simply never comes.
 */
const NO_AUTO_REDRAW_MS = 1e9;

/** Whether the 2D views are drawn on the CPU (decided once, from the WebGL renderer string). */
export function cpuPlanar(): boolean {
  return softwareGl();
}

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    if (isCornerstoneInitialized()) return;
    // (preferSizeOverAccuracy, i.e. half-float textures, was measured: open of a 512×512×300 CT went from 3.0 s
    // to 5.1 s here, the float→half conversion on the CPU costs more than the smaller upload saves.)
    if (cpuPlanar()) {
      // useViewportSamplingForLinear off: a view reads its slice at voxel resolution (cpuSliceSampler.ts) and the
      // canvas scales it; pan, zoom and W/L then reuse that read, where the default resamples at canvas resolution.
      initCore({
        rendering: {
          planar: {
            renderBackend: RenderBackends.CPU,
            cpuVolume: { volumeModifiedThrottleMs: NO_AUTO_REDRAW_MS, useViewportSamplingForLinear: false },
          },
        },
        debug: {},
      });
      installFastCpuSliceSampler();
      installCpuPlanarEngineRender();
    } else initCore();
    initTools();
    for (const tool of Object.values(VIEW_TOOLS)) addTool(tool);
  })();
  return started;
}

/**
 * Runs `create` with Cornerstone's generic (planar) viewports switched on, so the ORTHOGRAPHIC views made inside it
 * are planar viewports behind the legacy volume-viewport API; the 3D view, made outside it, stays the legacy
 * VOLUME_3D viewport (the generic 3D viewport lacks what threeView.ts uses).
 */
export function withGenericViewports<T>(create: () => T): T {
  const set = (on: boolean): void => {
    const config = getConfiguration();
    setConfiguration({ ...config, rendering: { ...config.rendering, useGenericViewport: on } });
  };
  set(true);
  try {
    return create();
  } finally {
    set(false);
  }
}
