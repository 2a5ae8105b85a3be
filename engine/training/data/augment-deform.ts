/**
 * Spatial augmentation beyond the affine of augment.ts, for scanners and fields of view the training patient
 * never had: elastic deformation (livers differ in shape far more than a rotation can say), simulated thick
 * slices (anisotropic spacing: many hospitals reconstruct at 5 mm) and a cut field of view in the axial plane
 * (the z version is augment.ts's slab). One draw per patch, applied to image and label alike.
 */
import type { Rng } from '../../common/rng.js';
import type { DeformConfig } from '../../common/train-plan/schema.js';
import type { Size3 } from './config.js';
import type { PatchArrays } from './patch.js';

export interface DeformDraw {
  /** Control-point displacements [grid³ × 3] (x, y, z per point), or null for none. */
  readonly elastic: Float32Array | null;
  readonly grid: number;
  /** Simulated slice thickness factor (1 = none). */
  readonly thickSlice: number;
  /** Axis 0 or 1, side 0 (low) or 1 (high), and the cut width in voxels; null for none. */
  readonly fovCut: { readonly axis: 0 | 1; readonly side: 0 | 1; readonly width: number } | null;
}

export function drawDeform(rng: Rng, cfg: DeformConfig, size: Size3): DeformDraw {
  const grid = Math.max(2, Math.round(cfg.elasticGrid));
  let elastic: Float32Array | null = null;
  if (rng.chance(cfg.elasticProb) && cfg.elasticMagnitude > 0) {
    elastic = new Float32Array(grid * grid * grid * 3);
    for (let i = 0; i < elastic.length; i++) elastic[i] = rng.uniform(-cfg.elasticMagnitude, cfg.elasticMagnitude);
    // z displacements scale with the patch's z extent, which is often much thinner than x and y.
    for (let i = 2; i < elastic.length; i += 3) elastic[i] *= Math.min(1, size[2] / Math.max(size[0], size[1]));
  }
  const thickSlice = rng.chance(cfg.thickSliceProb) ? rng.uniform(1, Math.max(1, cfg.thickSliceMax)) : 1;
  let fovCut: DeformDraw['fovCut'] = null;
  if (rng.chance(cfg.fovCutProb) && cfg.fovCutMax > 0) {
    const axis = rng.int(2) as 0 | 1;
    fovCut = { axis, side: rng.int(2) as 0 | 1, width: Math.floor(rng.uniform(0, cfg.fovCutMax) * size[axis]) };
  }
  return { elastic, grid, thickSlice, fovCut };
}

/** Displacement at patch voxel (x, y, z): the control grid interpolated trilinearly over the patch. */
function displacementAt(d: Float32Array, g: number, size: Size3, x: number, y: number, z: number, out: number[]): void {
  const gx = (x / Math.max(1, size[0] - 1)) * (g - 1);
  const gy = (y / Math.max(1, size[1] - 1)) * (g - 1);
  const gz = (z / Math.max(1, size[2] - 1)) * (g - 1);
  const x0 = Math.min(g - 2, Math.floor(gx));
  const y0 = Math.min(g - 2, Math.floor(gy));
  const z0 = Math.min(g - 2, Math.floor(gz));
  const fx = gx - x0;
  const fy = gy - y0;
  const fz = gz - z0;
  out[0] = out[1] = out[2] = 0;
  for (let c = 0; c < 8; c++) {
    const ox = c & 1;
    const oy = (c >> 1) & 1;
    const oz = (c >> 2) & 1;
    const w = (ox ? fx : 1 - fx) * (oy ? fy : 1 - fy) * (oz ? fz : 1 - fz);
    const base = ((x0 + ox) + g * ((y0 + oy) + g * (z0 + oz))) * 3;
    out[0] += w * d[base];
    out[1] += w * d[base + 1];
    out[2] += w * d[base + 2];
  }
}

function elasticWarp(p: PatchArrays, d: Float32Array, g: number, padValue: number): PatchArrays {
  const [nx, ny, nz] = p.size;
  const image = new Float32Array(p.image.length);
  const label = new Uint8Array(p.label.length);
  const disp = [0, 0, 0];
  const at = (x: number, y: number, z: number) => x + nx * (y + ny * z);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        displacementAt(d, g, p.size, x, y, z, disp);
        const sx = x + disp[0];
        const sy = y + disp[1];
        const sz = z + disp[2];
        const o = at(x, y, z);
        const rx = Math.round(sx);
        const ry = Math.round(sy);
        const rz = Math.round(sz);
        label[o] = rx >= 0 && ry >= 0 && rz >= 0 && rx < nx && ry < ny && rz < nz ? p.label[at(rx, ry, rz)] : 0;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const z0 = Math.floor(sz);
        let v = 0;
        for (let c = 0; c < 8; c++) {
          const cx = x0 + (c & 1);
          const cy = y0 + ((c >> 1) & 1);
          const cz = z0 + ((c >> 2) & 1);
          const w = (c & 1 ? sx - x0 : 1 - (sx - x0)) * ((c >> 1) & 1 ? sy - y0 : 1 - (sy - y0)) * ((c >> 2) & 1 ? sz - z0 : 1 - (sz - z0));
          const inside = cx >= 0 && cy >= 0 && cz >= 0 && cx < nx && cy < ny && cz < nz;
          v += w * (inside ? p.image[at(cx, cy, cz)] : padValue);
        }
        image[o] = v;
      }
    }
  }
  return { image, label, size: p.size };
}

/** Thick slices: each z-slice becomes the mean over a slab of `factor` slices around it (the image only). */
function thickSlices(p: PatchArrays, factor: number): void {
  const [nx, ny, nz] = p.size;
  const plane = nx * ny;
  const src = p.image.slice();
  const half = (factor - 1) / 2;
  for (let z = 0; z < nz; z++) {
    const z0 = Math.max(0, Math.ceil(z - half));
    const z1 = Math.min(nz - 1, Math.floor(z + half));
    const n = z1 - z0 + 1;
    for (let i = 0; i < plane; i++) {
      let acc = 0;
      for (let s = z0; s <= z1; s++) acc += src[i + s * plane];
      p.image[i + z * plane] = acc / n;
    }
  }
}

function cutFov(p: PatchArrays, cut: NonNullable<DeformDraw['fovCut']>, padValue: number): void {
  const [nx, ny, nz] = p.size;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const c = cut.axis === 0 ? x : y;
        const n = cut.axis === 0 ? nx : ny;
        const outside = cut.side === 0 ? c < cut.width : c >= n - cut.width;
        if (!outside) continue;
        const i = x + nx * (y + ny * z);
        p.image[i] = padValue;
        p.label[i] = 0;
      }
    }
  }
}

/** Applies a draw; returns a new patch when it warps, else the same patch changed in place. */
export function applyDeform(p: PatchArrays, d: DeformDraw, padValue: number): PatchArrays {
  const out = d.elastic ? elasticWarp(p, d.elastic, d.grid, padValue) : p;
  if (d.thickSlice > 1) thickSlices(out, d.thickSlice);
  if (d.fovCut && d.fovCut.width > 0) cutFov(out, d.fovCut, padValue);
  return out;
}
