/**
 * The one trilinear interpolator of Lobule (and its nearest-neighbour sibling for labels), in index space:
 * output voxel (i, j, k) reads the source at `toSource · (i, j, k, 1)`. World-space resampling (resample.ts),
 * the coarse resize (resize.ts) and training's affine augmentation all call it; the fused interpolate-and-decode
 * of inference (engine/inference/separable-decode.ts) shares its axis tables.
 *
 * Hand-written because no maintained JS library resamples typed-array volumes between arbitrary affines. When
 * each output axis runs along one source axis (the common case: the grids differ by permutation, flip and
 * scale) it interpolates from per-axis tables, which keeps 512×512×300 volumes within inference's time budget.
 *
 * Edges: source coordinates within half a voxel outside the outermost voxel centres are clamped to the edge voxel
 * (the source voxel still covers that point); farther out the image gets `fill` and labels get 0.
 */
import type { Dims3, VoxelArray } from './volume.js';

const EDGE = 0.5 + 1e-6;

/** When an output axis maps to exactly one source axis: source coord = scale·o + shift along srcAxis. */
export interface AxisMap {
  readonly srcAxis: number;
  readonly scale: number;
  readonly shift: number;
}

/** For each output axis, the source axis it runs along; null when some output axis mixes source axes. */
export function axisAlignedMaps(toSource: ArrayLike<number>): AxisMap[] | null {
  const maps: AxisMap[] = [];
  for (let a = 0; a < 3; a++) {
    const col = [toSource[a], toSource[4 + a], toSource[8 + a]];
    const mag = Math.max(...col.map(Math.abs));
    const rows = col.map((v, s) => (Math.abs(v) > mag * 1e-9 ? s : -1)).filter((s) => s >= 0);
    if (rows.length !== 1 || maps.some((m) => m.srcAxis === rows[0])) return null;
    maps.push({ srcAxis: rows[0], scale: col[rows[0]], shift: toSource[rows[0] * 4 + 3] });
  }
  return maps;
}

/** Per output index along one axis: the two source indices around it and the weight of `hi`. */
export interface AxisTable {
  readonly lo: Int32Array; // −1 where the output index lies outside the source
  readonly hi: Int32Array;
  readonly w: Float32Array;
  /** Smallest and largest source index used (max −1 when none). */
  readonly min: number;
  readonly max: number;
}

/** Table for output indices start … start + count − 1 along an axis of `map`; `nearest` puts the nearest index in lo and hi. */
export function axisTable(start: number, count: number, map: AxisMap, size: number, nearest = false): AxisTable {
  const lo = new Int32Array(count),
    hi = new Int32Array(count),
    w = new Float32Array(count);
  let min = size,
    max = -1;
  for (let n = 0; n < count; n++) {
    const c = map.scale * (start + n) + map.shift;
    if (c < -EDGE || c > size - 1 + EDGE) {
      lo[n] = hi[n] = -1;
      continue;
    }
    const cc = Math.min(Math.max(c, 0), size - 1);
    if (nearest) {
      lo[n] = hi[n] = Math.min(size - 1, Math.floor(cc + 0.5));
    } else {
      const f = Math.min(Math.floor(cc), size - 1);
      lo[n] = f;
      hi[n] = Math.min(f + 1, size - 1);
      w[n] = cc - f;
    }
    min = Math.min(min, lo[n]);
    max = Math.max(max, hi[n]);
  }
  return { lo, hi, w, min, max };
}

/** The table with indices multiplied by the source axis stride (−1 kept): flat offsets for the separable loops. */
function strided(t: AxisTable, stride: number): AxisTable {
  if (stride === 1) return t;
  const lo = t.lo.map((v) => (v < 0 ? -1 : v * stride));
  const hi = t.hi.map((v) => (v < 0 ? -1 : v * stride));
  return { ...t, lo, hi };
}

function stridedTables(dims: Dims3, maps: AxisMap[], srcDims: Dims3, nearest: boolean): AxisTable[] {
  const stride = [1, srcDims[0], srcDims[0] * srcDims[1]];
  return maps.map((m, a) => strided(axisTable(0, dims[a], m, srcDims[m.srcAxis], nearest), stride[m.srcAxis]));
}

/** Trilinear interpolation of `src` (on srcDims) onto `out` (on dims) through the index map toSource. */
export function trilinearInto(
  src: VoxelArray,
  srcDims: Dims3,
  dims: Dims3,
  toSource: ArrayLike<number>,
  out: Float32Array,
  fill = 0,
): void {
  const maps = axisAlignedMaps(toSource);
  if (maps) trilinearSeparable(src, srcDims, dims, maps, out, fill);
  else trilinearGeneral(src, srcDims, dims, toSource, out, fill);
}

function trilinearSeparable(src: VoxelArray, srcDims: Dims3, dims: Dims3, maps: AxisMap[], out: Float32Array, fill: number): void {
  const [tx, ty, tz] = stridedTables(dims, maps, srcDims, false);
  const [nx, ny, nz] = dims;
  // When x runs along source x (stride 1) and the output row is long, blend the four source rows once into a
  // scratch row and interpolate along x from it: 2 reads per output voxel instead of 8 (upsampling back to
  // 512×512×300 is about 3× faster this way).
  const sx = srcDims[0];
  const scratch = maps[0].srcAxis === 0 && 4 * sx + 2 * nx < 8 * nx ? new Float32Array(sx) : null;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    const zl = tz.lo[k],
      zh = tz.hi[k],
      wz = tz.w[k];
    for (let j = 0; j < ny; j++, o += nx) {
      const yl = ty.lo[j],
        yh = ty.hi[j],
        wy = ty.w[j];
      if (zl < 0 || yl < 0) {
        out.fill(fill, o, o + nx);
        continue;
      }
      const b00 = zl + yl,
        b01 = zl + yh,
        b10 = zh + yl,
        b11 = zh + yh;
      const w00 = (1 - wz) * (1 - wy),
        w01 = (1 - wz) * wy,
        w10 = wz * (1 - wy),
        w11 = wz * wy;
      if (!scratch) {
        lerpRow(src, b00, b01, b10, b11, w00, w01, w10, w11, tx, out, o, fill);
        continue;
      }
      for (let x = 0; x < sx; x++) scratch[x] = w00 * src[b00 + x] + w01 * src[b01 + x] + w10 * src[b10 + x] + w11 * src[b11 + x];
      for (let i = 0; i < nx; i++) {
        const xl = tx.lo[i];
        out[o + i] = xl < 0 ? fill : scratch[xl] + tx.w[i] * (scratch[tx.hi[i]] - scratch[xl]);
      }
    }
  }
}

/** One output row read at its eight corners: the four source rows at b00…b11 with weights w00…w11, lerped along x. */
function lerpRow(
  src: VoxelArray,
  b00: number,
  b01: number,
  b10: number,
  b11: number,
  w00: number,
  w01: number,
  w10: number,
  w11: number,
  tx: AxisTable,
  out: Float32Array,
  o: number,
  fill: number,
): void {
  const n = tx.lo.length;
  for (let i = 0; i < n; i++) {
    const xl = tx.lo[i];
    if (xl < 0) {
      out[o + i] = fill;
      continue;
    }
    const xh = tx.hi[i];
    const lo = w00 * src[b00 + xl] + w01 * src[b01 + xl] + w10 * src[b10 + xl] + w11 * src[b11 + xl];
    const hi = w00 * src[b00 + xh] + w01 * src[b01 + xh] + w10 * src[b10 + xh] + w11 * src[b11 + xh];
    out[o + i] = lo + tx.w[i] * (hi - lo);
  }
}

/** Coordinates of one output row under an affine index map: the row's points, spaced by the map's first column. */
class RowPoints {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly zs: Float64Array;

  constructor(n: number) {
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.zs = new Float64Array(n);
  }

  fill(m: ArrayLike<number>, j: number, k: number): void {
    const x = m[1] * j + m[2] * k + m[3],
      y = m[5] * j + m[6] * k + m[7],
      z = m[9] * j + m[10] * k + m[11];
    for (let i = 0; i < this.xs.length; i++) {
      this.xs[i] = x + m[0] * i;
      this.ys[i] = y + m[4] * i;
      this.zs[i] = z + m[8] * i;
    }
  }
}

function trilinearGeneral(src: VoxelArray, srcDims: Dims3, dims: Dims3, m: ArrayLike<number>, out: Float32Array, fill: number): void {
  const row = new RowPoints(dims[0]);
  for (let k = 0, o = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++, o += dims[0]) {
      row.fill(m, j, k);
      trilinearPoints(src, srcDims, row.xs, row.ys, row.zs, out, o, fill);
    }
  }
}

/**
 * Trilinear values of `src` at the points (xs[n], ys[n], zs[n]) (continuous voxel coordinates) into out[o + n];
 * `fill` for points beyond the half-voxel edge. For warps that are no affine map (elastic deformation).
 */
export function trilinearPoints(
  src: VoxelArray,
  srcDims: Dims3,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  zs: ArrayLike<number>,
  out: Float32Array,
  o: number,
  fill: number,
): void {
  const [sx, sy, sz] = srcDims;
  const sxy = sx * sy;
  for (let n = 0; n < xs.length; n++) {
    const cx = xs[n],
      cy = ys[n],
      cz = zs[n];
    if (cx < -EDGE || cy < -EDGE || cz < -EDGE || cx > sx - 1 + EDGE || cy > sy - 1 + EDGE || cz > sz - 1 + EDGE) {
      out[o + n] = fill;
      continue;
    }
    const x = Math.min(Math.max(cx, 0), sx - 1),
      y = Math.min(Math.max(cy, 0), sy - 1),
      z = Math.min(Math.max(cz, 0), sz - 1);
    const x0 = Math.floor(x),
      y0 = Math.floor(y),
      z0 = Math.floor(z);
    const x1 = Math.min(x0 + 1, sx - 1),
      y1 = Math.min(y0 + 1, sy - 1),
      z1 = Math.min(z0 + 1, sz - 1);
    const fx = x - x0,
      fy = y - y0,
      fz = z - z0;
    const p00 = y0 * sx + z0 * sxy,
      p01 = y1 * sx + z0 * sxy,
      p10 = y0 * sx + z1 * sxy,
      p11 = y1 * sx + z1 * sxy;
    const c00 = src[p00 + x0] + fx * (src[p00 + x1] - src[p00 + x0]);
    const c01 = src[p01 + x0] + fx * (src[p01 + x1] - src[p01 + x0]);
    const c10 = src[p10 + x0] + fx * (src[p10 + x1] - src[p10 + x0]);
    const c11 = src[p11 + x0] + fx * (src[p11 + x1] - src[p11 + x0]);
    const c0 = c00 + fy * (c01 - c00),
      c1 = c10 + fy * (c11 - c10);
    out[o + n] = c0 + fz * (c1 - c0);
  }
}

/** Labels of the voxels nearest to the points (xs[n], ys[n], zs[n]) into out[o + n]; 0 for points outside. */
export function nearestPoints(
  src: Uint8Array,
  srcDims: Dims3,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  zs: ArrayLike<number>,
  out: Uint8Array,
  o: number,
): void {
  const [sx, sy, sz] = srcDims;
  for (let n = 0; n < xs.length; n++) {
    const x = Math.round(xs[n]),
      y = Math.round(ys[n]),
      z = Math.round(zs[n]);
    out[o + n] = x >= 0 && y >= 0 && z >= 0 && x < sx && y < sy && z < sz ? src[x + sx * (y + sy * z)] : 0;
  }
}

/** Nearest-neighbour copy of uint8 labels through the index map toSource; output voxels outside the source get 0. */
export function nearestInto(src: Uint8Array, srcDims: Dims3, dims: Dims3, toSource: ArrayLike<number>, out: Uint8Array): void {
  const maps = axisAlignedMaps(toSource);
  if (!maps) {
    nearestGeneral(src, srcDims, dims, toSource, out);
    return;
  }
  const [tx, ty, tz] = stridedTables(dims, maps, srcDims, true);
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      const base = tz.lo[k] < 0 || ty.lo[j] < 0 ? -1 : tz.lo[k] + ty.lo[j];
      if (base < 0) {
        out.fill(0, o, o + dims[0]);
        o += dims[0];
        continue;
      }
      for (let i = 0; i < dims[0]; i++, o++) {
        const x = tx.lo[i];
        out[o] = x >= 0 ? src[base + x] : 0;
      }
    }
  }
}

function nearestGeneral(src: Uint8Array, srcDims: Dims3, dims: Dims3, m: ArrayLike<number>, out: Uint8Array): void {
  const row = new RowPoints(dims[0]);
  for (let k = 0, o = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++, o += dims[0]) {
      row.fill(m, j, k);
      nearestPoints(src, srcDims, row.xs, row.ys, row.zs, out, o);
    }
  }
}
