/**
 * Trilinear interpolation of probability maps onto a target grid fused with decoding to labels, for the case the
 * pipeline always has: each target axis runs along one model axis (the model grid is the input's axes permuted,
 * flipped and rescaled). It shares the axis tables of engine/common/trilinear.ts (so both agree on every weight
 * and edge) but is a different algorithm, kept on purpose: it interpolates one axis at a time — model slices →
 * a plane per target slice, plane rows → a row per target row, row → target voxels — for all C class maps at
 * once and decodes each voxel as soon as its C values exist. That reads about 2.6 values per target voxel
 * instead of 8 and never holds more than one plane per class, where resampling each class map with the general
 * interpolator first would hold C full-resolution float volumes (C × 300 MB at 512×512×300) before decoding.
 */
import type { Affine, Dims3 } from '../common/volume.js';
import { invertAffine, multiplyAffines } from '../common/affine.js';
import { axisAlignedMaps, axisTable, type AxisTable } from '../common/trilinear.js';
import { throwIfAborted } from '../errors.js';
import type { Decoder } from './decode.js';
import type { Box } from '../common/box.js';

export interface SeparableInput {
  readonly channels: readonly Float32Array[];
  readonly dims: Dims3;
  readonly affine: Affine;
}

/**
 * Writes decoded labels for the target voxels inside `box` into `out` (target-sized). Returns false, writing
 * nothing, when the grids are not axis-aligned to each other (the caller then uses general resampling).
 */
export function decodeSeparable(
  maps: SeparableInput,
  decoder: Decoder,
  target: { dims: Dims3; affine: Affine },
  box: Box,
  out: Uint8Array,
  signal?: AbortSignal,
): boolean {
  const map = axisAlignedMaps(multiplyAffines(invertAffine(maps.affine), target.affine));
  if (!map) return false;
  const [tx, ty, tz] = [0, 1, 2].map((t) => axisTable(box.min[t], box.max[t] - box.min[t] + 1, map[t], maps.dims[map[t].srcAxis]));
  if (tx.max < 0 || ty.max < 0 || tz.max < 0) return true;
  const mStride = [1, maps.dims[0], maps.dims[0] * maps.dims[1]];
  const [sx, sy, sz] = map.map((m) => mStride[m.srcAxis]);
  const nb = tx.max - tx.min + 1,
    nc = ty.max - ty.min + 1;
  const C = maps.channels.length;
  const planes = Array.from({ length: C }, () => new Float32Array(nb * nc));
  const rows = Array.from({ length: C }, () => new Float32Array(nb));
  const values = new Float32Array(C);
  const [nx, ny] = target.dims;
  for (let k = 0; k < tz.lo.length; k++) {
    if (tz.lo[k] < 0) continue;
    if ((k & 7) === 0) throwIfAborted(signal, 'segmentation');
    const zl = tz.lo[k] * sz,
      zh = tz.hi[k] * sz,
      wz = tz.w[k];
    for (let c = 0; c < C; c++) fillPlane(maps.channels[c], planes[c], zl, zh, wz, tx.min, nb, sx, ty.min, nc, sy);
    for (let j = 0; j < ty.lo.length; j++) {
      if (ty.lo[j] < 0) continue;
      const yl = (ty.lo[j] - ty.min) * nb,
        yh = (ty.hi[j] - ty.min) * nb,
        wy = ty.w[j];
      for (let c = 0; c < C; c++) {
        const p = planes[c],
          r = rows[c];
        for (let b = 0; b < nb; b++) r[b] = p[yl + b] + wy * (p[yh + b] - p[yl + b]);
      }
      const o = box.min[0] + nx * (box.min[1] + j + ny * (box.min[2] + k));
      decodeRow(rows, tx, decoder, values, out, o);
    }
  }
  return true;
}

/** plane[b + nb·c] = model value at (b, c) interpolated between the two model slices at offsets zl and zh. */
function fillPlane(
  m: Float32Array,
  plane: Float32Array,
  zl: number,
  zh: number,
  wz: number,
  b0: number,
  nb: number,
  sb: number,
  c0: number,
  nc: number,
  sc: number,
): void {
  for (let c = 0; c < nc; c++) {
    const rowL = zl + (c0 + c) * sc + b0 * sb,
      rowH = zh + (c0 + c) * sc + b0 * sb;
    const o = c * nb;
    if (sb === 1) {
      for (let b = 0; b < nb; b++) plane[o + b] = m[rowL + b] + wz * (m[rowH + b] - m[rowL + b]);
    } else {
      for (let b = 0, pl = rowL, ph = rowH; b < nb; b++, pl += sb, ph += sb) plane[o + b] = m[pl] + wz * (m[ph] - m[pl]);
    }
  }
}

function decodeRow(rows: Float32Array[], tx: AxisTable, decoder: Decoder, values: Float32Array, out: Uint8Array, o: number): void {
  const n = tx.lo.length,
    b0 = tx.min;
  if (decoder.rule === 'threshold' && rows.length === 1) {
    const r = rows[0],
      thr = decoder.threshold,
      v = decoder.values[0];
    for (let i = 0; i < n; i++) {
      const l = tx.lo[i];
      if (l < 0) continue;
      const a = r[l - b0];
      out[o + i] = a + tx.w[i] * (r[tx.hi[i] - b0] - a) > thr ? v : 0;
    }
    return;
  }
  const threshold = decoder.rule === 'threshold';
  for (let i = 0; i < n; i++) {
    const l = tx.lo[i];
    if (l < 0) continue;
    for (let c = 0; c < rows.length; c++) values[c] = rows[c][l - b0] + tx.w[i] * (rows[c][tx.hi[i] - b0] - rows[c][l - b0]);
    let best = threshold ? decoder.threshold : values[0];
    let label = 0;
    for (let c = threshold ? 0 : 1; c < rows.length; c++) {
      if (values[c] > best) {
        best = values[c];
        label = decoder.values[threshold ? c : c - 1];
      }
    }
    out[o + i] = label;
  }
}
