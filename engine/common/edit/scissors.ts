/**
 * Scissors: erase or fill segment `target` inside or outside a polygon (a freehand shape is a polygon with many
 * vertices) drawn on a 2D view, through the whole volume along the view's normal axis or within a slab of
 * slices. The polygon is given in the view plane's voxel coordinates; voxel (u, v) is inside when its centre is
 * (even-odd rule, scanline rasterisation).
 */
import { boxSize, segmentBounds, type Box, type LabelGrid } from './grid.js';
import { commitMembership, NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

/** 0: sagittal (normal i), 1: coronal (normal j), 2: axial (normal k). */
export type NormalAxis = 0 | 1 | 2;

export interface ScissorsCut {
  readonly normalAxis: NormalAxis;
  /**
   * Vertices in continuous voxel coordinates of the two in-plane axes, in increasing axis order: (i, j) on an
   * axial view, (i, k) on a coronal view, (j, k) on a sagittal view.
   */
  readonly polygon: readonly (readonly [number, number])[];
  readonly action: 'erase' | 'fill';
  readonly region: 'inside' | 'outside';
  /** Slices [first, last] along the normal axis; omitted = the whole volume. */
  readonly slab?: readonly [number, number];
}

/** In-plane axes of a view, in increasing order. */
export function planeAxes(normal: NormalAxis): [number, number] {
  return normal === 0 ? [1, 2] : normal === 1 ? [0, 2] : [0, 1];
}

/** 1 where a voxel centre of a nu×nv plane lies inside the polygon (even-odd rule). */
export function rasterizePolygon(polygon: readonly (readonly [number, number])[], nu: number, nv: number): Uint8Array {
  const out = new Uint8Array(nu * nv);
  const n = polygon.length;
  if (n < 3) return out;
  const crossings: number[] = [];
  for (let v = 0; v < nv; v++) {
    crossings.length = 0;
    for (let e = 0; e < n; e++) {
      const [u0, v0] = polygon[e];
      const [u1, v1] = polygon[(e + 1) % n];
      // Half-open rule on v: a vertex on the scanline counts for one of its two edges only.
      if ((v0 <= v && v1 > v) || (v1 <= v && v0 > v)) crossings.push(u0 + ((v - v0) / (v1 - v0)) * (u1 - u0));
    }
    crossings.sort((a, b) => a - b);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const from = Math.max(0, Math.ceil(crossings[c]));
      const to = Math.min(nu - 1, Math.ceil(crossings[c + 1]) - 1);
      for (let u = from; u <= to; u++) out[u + nu * v] = 1;
    }
  }
  return out;
}

export function applyScissors(grid: LabelGrid, target: number, cut: ScissorsCut, policy: EditPolicy, write: VoxelWriter): EditResult {
  const { dims, labels } = grid;
  const [ua, va] = planeAxes(cut.normalAxis);
  const nu = dims[ua];
  const nv = dims[va];
  const shape = rasterizePolygon(cut.polygon, nu, nv);
  const first = Math.max(0, Math.min(cut.slab?.[0] ?? 0, cut.slab?.[1] ?? dims[cut.normalAxis] - 1));
  const last = Math.min(dims[cut.normalAxis] - 1, Math.max(cut.slab?.[0] ?? 0, cut.slab?.[1] ?? dims[cut.normalAxis] - 1));
  if (first > last) return { changed: 0, added: 0, removed: 0 };
  const lo: [number, number, number] = [0, 0, 0];
  const hi: [number, number, number] = [dims[0] - 1, dims[1] - 1, dims[2] - 1];
  lo[cut.normalAxis] = first;
  hi[cut.normalAxis] = last;
  // Erasing changes only target voxels: outside the segment's bounds nothing can change, so skip it.
  if (cut.action === 'erase') {
    const bounds = segmentBounds(grid, target);
    if (!bounds) return NO_CHANGE;
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.max(lo[a], bounds.min[a]);
      hi[a] = Math.min(hi[a], bounds.max[a]);
      if (lo[a] > hi[a]) return NO_CHANGE;
    }
  }
  const box: Box = { min: lo, max: hi };
  const [bx, by, bz] = boxSize(box);
  const want = new Uint8Array(bx * by * bz);
  const selectInside = cut.region === 'inside' ? 1 : 0;
  const fill = cut.action === 'fill' ? 1 : 0;
  // Index into the plane's shape as a linear function of (i, j, k): the normal axis has stride 0.
  const shapeStride = [0, 0, 0];
  shapeStride[ua] = 1;
  shapeStride[va] = nu;
  let q = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      let p = lo[0] + dims[0] * (lo[1] + j + dims[1] * (lo[2] + k));
      let u = lo[0] * shapeStride[0] + (lo[1] + j) * shapeStride[1] + (lo[2] + k) * shapeStride[2];
      const du = shapeStride[0];
      for (let i = 0; i < bx; i++, p++, q++, u += du) {
        // fill: selected voxels join the target; erase: selected voxels leave it; the rest stays as it is.
        want[q] = shape[u] === selectInside ? fill : labels[p] === target ? 1 : 0;
      }
    }
  }
  return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
}
