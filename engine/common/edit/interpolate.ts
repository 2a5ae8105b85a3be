/**
 * Label-aware slice interpolation: segment X drawn on a few slices is filled in on the slices between them,
 * whatever other segments lie there (the edit policy's overwrite rule decides, and the UI states it) — a tumour
 * drawn inside the liver on two slices is interpolated through the liver, which a background-only fill cannot do.
 *
 * Method: shape-based interpolation (Raya & Udupa) on exact signed distances (the anisotropic EDT of edt.ts) with
 * the alignment step of morphological contour interpolation (Albu 2008; Zukić 2016, ITK-SNAP / Slicer): when the
 * two drawn shapes do not overlap, they are interpolated centred on each other and the result slides along the
 * line between their centroids, so a lesion that moves between slices is not lost midway. Written by hand rather
 * than with @itk-wasm/morphological-contour-interpolation: that package needs the itk-wasm runtime, a web worker
 * and its WebAssembly pipeline shipped with the app, for what is here ~100 lines on typed arrays that run the same
 * in the renderer and in Node; ITK's many-to-one component matching is the part not reproduced (each drawn slice
 * pair is treated as one shape pair).
 */
import { squaredDistanceTransform as squaredDistanceMm } from '../distance-transform.js';
import { segmentBounds, type Box, type LabelGrid } from './grid.js';
import { commitMembership, NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

export type SliceAxis = 0 | 1 | 2;

/** Fills segment `target` on the empty slices between every two slices (along `axis`) that contain it. */
export function applyInterpolation(
  grid: LabelGrid,
  target: number,
  policy: EditPolicy,
  write: VoxelWriter,
  axis: SliceAxis = 2,
): EditResult {
  const bounds = segmentBounds(grid, target);
  if (!bounds) return NO_CHANGE;
  const { dims, labels, spacing } = grid;
  const [ua, va] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const stride = [1, dims[0], dims[0] * dims[1]];
  // The in-plane window: the segment's extent (shapes slide toward each other within it).
  // One voxel more on each side (inside the volume): the signed distance needs outside voxels around the shape.
  const u0 = Math.max(0, bounds.min[ua] - 1),
    nu = Math.min(dims[ua] - 1, bounds.max[ua] + 1) - u0 + 1;
  const v0 = Math.max(0, bounds.min[va] - 1),
    nv = Math.min(dims[va] - 1, bounds.max[va] + 1) - v0 + 1;
  const at = (u: number, v: number, w: number): number => (u0 + u) * stride[ua] + (v0 + v) * stride[va] + w * stride[axis];
  const sliceMask = (w: number): Uint8Array => {
    const m = new Uint8Array(nu * nv);
    for (let v = 0; v < nv; v++) for (let u = 0; u < nu; u++) m[u + nu * v] = labels[at(u, v, w)] === target ? 1 : 0;
    return m;
  };
  const drawn: number[] = [];
  for (let w = bounds.min[axis]; w <= bounds.max[axis]; w++) {
    const m = sliceMask(w);
    if (m.includes(1)) drawn.push(w);
  }
  const filter = new VoxelFilter(policy, [target]);
  let total = { changed: 0, added: 0, removed: 0 };
  for (let n = 0; n + 1 < drawn.length; n++) {
    const w0 = drawn[n],
      w1 = drawn[n + 1];
    if (w1 - w0 < 2) continue;
    const fill = interpolatePair(sliceMask(w0), sliceMask(w1), nu, nv, [spacing[ua], spacing[va]], w1 - w0);
    const lo: [number, number, number] = [0, 0, 0],
      hi: [number, number, number] = [0, 0, 0];
    lo[ua] = u0;
    hi[ua] = u0 + nu - 1;
    lo[va] = v0;
    hi[va] = v0 + nv - 1;
    lo[axis] = w0 + 1;
    hi[axis] = w1 - 1;
    const box: Box = { min: lo, max: hi };
    // Box order is i fastest; map each box voxel to its (u, v, slice) to read the interpolated shape.
    const want = new Uint8Array((hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1));
    let q = 0;
    const c = [0, 0, 0];
    for (c[2] = lo[2]; c[2] <= hi[2]; c[2]++)
      for (c[1] = lo[1]; c[1] <= hi[1]; c[1]++)
        for (c[0] = lo[0]; c[0] <= hi[0]; c[0]++, q++) {
          const inside = fill[c[axis] - w0 - 1][c[ua] - u0 + nu * (c[va] - v0)] === 1;
          want[q] = inside || labels[c[0] + stride[1] * c[1] + stride[2] * c[2]] === target ? 1 : 0;
        }
    const r = commitMembership(grid, box, want, target, filter, write);
    total = { changed: total.changed + r.changed, added: total.added + r.added, removed: total.removed + r.removed };
  }
  return total;
}

/** Signed distance in mm: negative inside the shape, positive outside, ± one voxel at the boundary. */
function signedDistance(mask: Uint8Array, nu: number, nv: number, spacing: readonly [number, number]): Float32Array {
  const outside = squaredDistanceMm(mask, [nu, nv, 1], [spacing[0], spacing[1], 1]);
  const inverse = mask.map((m) => 1 - m);
  const inside = squaredDistanceMm(inverse, [nu, nv, 1], [spacing[0], spacing[1], 1]);
  const out = new Float32Array(mask.length);
  // A plane with no outside voxel leaves `inside` infinite: clamp so blends stay finite.
  for (let p = 0; p < out.length; p++) out[p] = mask[p] ? -Math.sqrt(Math.min(inside[p], 1e12)) : Math.sqrt(Math.min(outside[p], 1e12));
  return out;
}

function centroid(mask: Uint8Array, nu: number): [number, number] {
  let n = 0,
    su = 0,
    sv = 0;
  for (let p = 0; p < mask.length; p++)
    if (mask[p]) {
      n++;
      su += p % nu;
      sv += Math.floor(p / nu);
    }
  return [su / n, sv / n];
}

/** Shifts a mask by whole voxels (what leaves the window is dropped). */
function shift(mask: Uint8Array, nu: number, nv: number, du: number, dv: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < nv; v++)
    for (let u = 0; u < nu; u++) {
      const su = u - du,
        sv = v - dv;
      if (su >= 0 && su < nu && sv >= 0 && sv < nv) out[u + nu * v] = mask[su + nu * sv];
    }
  return out;
}

/** The shapes of the `gap − 1` slices between masks a (t = 0) and b (t = 1). */
export function interpolatePair(
  a: Uint8Array,
  b: Uint8Array,
  nu: number,
  nv: number,
  spacing: readonly [number, number],
  gap: number,
): Uint8Array[] {
  let overlap = false;
  for (let p = 0; p < a.length && !overlap; p++) overlap = a[p] === 1 && b[p] === 1;
  const ca = centroid(a, nu),
    cb = centroid(b, nu);
  // Without overlap, interpolate b moved onto a's centroid; each result slides by t of the centroid offset.
  const du = overlap ? 0 : Math.round(ca[0] - cb[0]),
    dv = overlap ? 0 : Math.round(ca[1] - cb[1]);
  const sa = signedDistance(a, nu, nv, spacing);
  const sb = signedDistance(overlap ? b : shift(b, nu, nv, du, dv), nu, nv, spacing);
  const out: Uint8Array[] = [];
  for (let s = 1; s < gap; s++) {
    const t = s / gap;
    const blend = new Uint8Array(a.length);
    for (let p = 0; p < blend.length; p++) blend[p] = (1 - t) * sa[p] + t * sb[p] < 0 ? 1 : 0;
    out.push(overlap ? blend : shift(blend, nu, nv, -Math.round(t * du), -Math.round(t * dv)));
  }
  return out;
}
