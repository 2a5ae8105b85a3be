/**
 * The 3D view's surface worker: keeps its own copy of the shown case's labelmap (edited slices are sent after each
 * stroke) and computes the segment surfaces off the main thread, where seconds of marching cubes on a big CT
 * would freeze the 2D views.
 */
import { segmentSurfaces } from './surfaceMesher.js';
import type { SurfaceReply, SurfaceRequest } from './surfaceProtocol.js';

// vtk.js's marching cubes logs its run time through console.time on every run.
console.time = () => undefined;
console.timeEnd = () => undefined;

let state: Extract<SurfaceRequest, { kind: 'init' }> | undefined;

self.onmessage = (e: MessageEvent<SurfaceRequest>): void => {
  const msg = e.data;
  if (msg.kind === 'init') {
    state = msg;
    return;
  }
  if (!state || msg.caseTag !== state.caseTag) return; // a message about a case no longer shown
  if (msg.kind === 'slices') {
    const plane = state.dims[0] * state.dims[1];
    msg.slices.forEach((k, n) => state?.labels.set(msg.data.subarray(n * plane, (n + 1) * plane), k * plane));
    return;
  }
  try {
    const started = performance.now();
    const surfaces = segmentSurfaces(state.labels, state.dims, state.geometry);
    const reply: SurfaceReply = {
      kind: 'surfaces',
      caseTag: state.caseTag,
      request: msg.request,
      surfaces,
      ms: performance.now() - started,
    };
    const buffers = surfaces.flatMap((s) => [s.points.buffer, s.normals.buffer, s.polys.buffer]);
    (self as unknown as Worker).postMessage(reply, buffers);
  } catch (err) {
    const reply: SurfaceReply = { kind: 'error', caseTag: state.caseTag, request: msg.request, message: String(err) };
    (self as unknown as Worker).postMessage(reply);
  }
};
