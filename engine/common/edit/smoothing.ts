/**
 * Smoothing of segments: median (a majority vote in a box kernel, what a median is on a 0/1 mask), opening and
 * closing by a Euclidean radius, and joint smoothing of all segments at once (a label mode filter, so the
 * segments stay exclusive and no gaps open between them). Kernel sizes are in mm.
 */
import { boxSize, cropToBox, nonZeroBounds, padBoxMm, type Box, type Dims, type LabelGrid, type Spacing } from './grid.js';
import { dilateMm, erodeMm } from './distanceMorphology.js';
import { commitLabels, NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';
import { commitWindow, segmentWindow } from './segmentWindow.js';

export type SmoothingMethod = 'median' | 'opening' | 'closing';

/** Half-widths in voxels of a box kernel of radius `radiusMm` (0 on an axis whose voxels are larger). */
export function kernelHalfWidths(spacing: Spacing, radiusMm: number): [number, number, number] {
  return [0, 1, 2].map((a) => Math.max(0, Math.floor(radiusMm / spacing[a] + 1e-9))) as [number, number, number];
}

/** Smooths segment `target` by one method. */
export function applySmoothing(
  grid: LabelGrid,
  target: number,
  method: SmoothingMethod,
  radiusMm: number,
  policy: EditPolicy,
  write: VoxelWriter,
): EditResult {
  const window = radiusMm <= 0 ? null : segmentWindow(grid, target, radiusMm);
  if (!window) return NO_CHANGE;
  const { box, member, size } = window;
  let want: Uint8Array;
  if (method === 'opening') want = dilateMm(erodeMm(member, size, grid.spacing, radiusMm), size, grid.spacing, radiusMm);
  else if (method === 'closing') want = erodeMm(dilateMm(member, size, grid.spacing, radiusMm), size, grid.spacing, radiusMm);
  else {
    const half = kernelHalfWidths(grid.spacing, radiusMm);
    if (half.every((h) => h === 0)) return NO_CHANGE;
    const count = boxSum(member, size, half);
    const w = new Uint8Array(member.length);
    forEachWindow(box, grid.dims, half, (p, t) => {
      const twice = 2 * count[p];
      w[p] = twice > t ? 1 : twice < t ? 0 : member[p];
    });
    want = w;
  }
  return commitWindow(grid, window, want, target, policy, write);
}

/**
 * Joint smoothing: every voxel near a segment takes the most frequent label of its box neighbourhood (ties keep
 * the voxel's label). `target` only names the segment whose added / removed voxels are reported.
 */
export function applyJointSmoothing(grid: LabelGrid, target: number, radiusMm: number, policy: EditPolicy, write: VoxelWriter): EditResult {
  const half = kernelHalfWidths(grid.spacing, radiusMm);
  const bounds = nonZeroBounds(grid.labels, grid.dims);
  if (!bounds || half.every((h) => h === 0)) return NO_CHANGE;
  const box = padBoxMm(bounds, grid.dims, grid.spacing, radiusMm, 1);
  const size = boxSize(box);
  const current = cropToBox(grid.labels, grid.dims, box);
  const valueBounds = boundsOfEachValue(current, size, box.min);
  const bestCount = new Int32Array(current.length);
  const best = new Uint8Array(current.length);
  const sumAll = new Int32Array(current.length);
  const segments: number[] = [];
  for (let s = 1; s < 256; s++) {
    const sBounds = valueBounds[s];
    if (!sBounds) continue;
    segments.push(s);
    // Counts are zero farther than `half` from the segment, so each segment is summed over its own bounds plus
    // the kernel only (a small tumour costs its size, not the whole box). Same sums: beyond the pad nothing counts.
    const own = padBoxVoxels(sBounds, box, half);
    const [ox, oy, oz] = boxSize(own);
    const count = boxSum(
      cropToBox(grid.labels, grid.dims, own, (v) => v === s),
      [ox, oy, oz],
      half,
    );
    let c0 = 0;
    for (let k = 0; k < oz; k++) {
      for (let j = 0; j < oy; j++) {
        let p = own.min[0] - box.min[0] + size[0] * (own.min[1] - box.min[1] + j + size[1] * (own.min[2] - box.min[2] + k));
        for (let i = 0; i < ox; i++, p++, c0++) {
          const c = count[c0];
          sumAll[p] += c;
          if (c > bestCount[p] || (c === bestCount[p] && current[p] === s)) {
            bestCount[p] = c;
            best[p] = s;
          }
        }
      }
    }
  }
  forEachWindow(box, grid.dims, half, (p, total) => {
    const background = total - sumAll[p];
    if (background > bestCount[p] || (background === bestCount[p] && current[p] === 0)) best[p] = 0;
  });
  return commitLabels(grid, box, best, target, new VoxelFilter(policy, segments), write);
}

/**
 * The bounding box (in volume coordinates) of every value present in a box-sized labelmap, in one pass over the
 * box: one indexOf scan of the whole volume per segment cost more than the smoothing itself.
 */
function boundsOfEachValue(labels: Uint8Array, [nx, ny, nz]: readonly [number, number, number], origin: Box['min']): (Box | null)[] {
  const lo = [new Int32Array(256).fill(nx), new Int32Array(256).fill(ny), new Int32Array(256).fill(nz)];
  const hi = [new Int32Array(256).fill(-1), new Int32Array(256).fill(-1), new Int32Array(256).fill(-1)];
  const [x0, y0, z0] = lo;
  const [x1, y1, z1] = hi;
  let p = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        const v = labels[p];
        if (v === 0) continue;
        if (i < x0[v]) x0[v] = i;
        if (i > x1[v]) x1[v] = i;
        if (j < y0[v]) y0[v] = j;
        if (j > y1[v]) y1[v] = j;
        if (k < z0[v]) z0[v] = k;
        z1[v] = k;
      }
  return Array.from({ length: 256 }, (_, v) =>
    v === 0 || x1[v] < 0
      ? null
      : {
          min: [0, 1, 2].map((a) => origin[a] + lo[a][v]) as [number, number, number],
          max: [0, 1, 2].map((a) => origin[a] + hi[a][v]) as [number, number, number],
        },
  );
}

/** `inner` grown by `half` voxels per axis, clamped to `outer`. */
function padBoxVoxels(inner: Box, outer: Box, half: readonly [number, number, number]): Box {
  return {
    min: [0, 1, 2].map((a) => Math.max(outer.min[a], inner.min[a] - half[a])) as [number, number, number],
    max: [0, 1, 2].map((a) => Math.min(outer.max[a], inner.max[a] + half[a])) as [number, number, number],
  };
}

/** Sum of a 0/1 array over a (2h+1)-wide box around each voxel, clamped at the array's edges; separable. */
export function boxSum(values: Uint8Array, size: readonly [number, number, number], half: readonly [number, number, number]): Int32Array {
  const [nx, ny, nz] = size;
  // Not Int32Array.from: it goes through the iterator protocol, ~10× slower than set() on a big array.
  const out = new Int32Array(values.length);
  out.set(values);
  const line = new Int32Array(Math.max(nx, ny, nz));
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const h = half[axis];
    if (h === 0) continue;
    const n = size[axis];
    const stride = strides[axis];
    const [a, b] = axis === 0 ? [ny, nz] : axis === 1 ? [nx, nz] : [nx, ny];
    for (let v = 0; v < b; v++) {
      for (let u = 0; u < a; u++) {
        const start = axis === 0 ? nx * (u + ny * v) : axis === 1 ? u + nx * ny * v : u + nx * v;
        for (let q = 0, p = start; q < n; q++, p += stride) line[q] = out[p];
        // Sliding window: add the entering voxel, drop the leaving one.
        let sum = 0;
        for (let q = 0; q < Math.min(h, n); q++) sum += line[q];
        for (let q = 0, p = start; q < n; q++, p += stride) {
          if (q + h < n) sum += line[q + h];
          if (q - h - 1 >= 0) sum -= line[q - h - 1];
          out[p] = sum;
        }
      }
    }
  }
  return out;
}

/**
 * Visits every box voxel (index p, i fastest) with the number of volume voxels in its kernel window (the window is
 * clamped to the volume). Nested loops, not p → (i, j, k) by division: this runs once per voxel of a large box.
 */
function forEachWindow(box: Box, dims: Dims, half: readonly [number, number, number], visit: (p: number, total: number) => void): void {
  const size = boxSize(box);
  const extent = [0, 1, 2].map((a) => {
    const e = new Int32Array(size[a]);
    for (let q = 0; q < size[a]; q++) {
      const x = box.min[a] + q;
      e[q] = Math.min(dims[a] - 1, x + half[a]) - Math.max(0, x - half[a]) + 1;
    }
    return e;
  });
  const [ex, ey, ez] = extent;
  const [nx, ny, nz] = size;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const jk = ey[j] * ez[k];
      for (let i = 0; i < nx; i++, p++) visit(p, ex[i] * jk);
    }
  }
}
