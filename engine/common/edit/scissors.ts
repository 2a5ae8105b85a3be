/**
 * Scissors: erase or fill segment `target` inside or outside a polygon (a freehand shape is a polygon with many
 * vertices) drawn on a 2D view, through the whole volume along the view's normal axis or within a slab of
 * slices. The polygon is given in the view plane's voxel coordinates; voxel (u, v) is inside when its centre is
 * (even-odd rule, scanline rasterisation).
 */
import { boxSize, type Box, type LabelGrid } from './grid.js';
import { commitMembership, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

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
  const box: Box = { min: lo, max: hi };
  const [bx, by, bz] = boxSize(box);
  const want = new Uint8Array(bx * by * bz);
  const selectInside = cut.region === 'inside' ? 1 : 0;
  let q = 0;
  const c: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < bz; k++) {
    c[2] = lo[2] + k;
    for (let j = 0; j < by; j++) {
      c[1] = lo[1] + j;
      let p = dims[0] * (c[1] + dims[1] * c[2]);
      for (let i = 0; i < bx; i++, p++, q++) {
        c[0] = i;
        const selected = shape[c[ua] + nu * c[va]] === selectInside;
        const isTarget = labels[p] === target;
        // fill: selected voxels join the target; erase: selected voxels leave it; the rest stays as it is.
        want[q] = selected ? (cut.action === 'fill' ? 1 : 0) : isTarget ? 1 : 0;
      }
    }
  }
  return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
}
