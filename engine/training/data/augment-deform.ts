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
import { resizeImage } from '../../common/resize.js';
import { nearestPoints, trilinearPoints } from '../../common/trilinear.js';

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

/**
 * Elastic warp: the control-point displacements are resized onto the patch (the coarse-resize mapping, control
 * points at the patch's corners), and each voxel reads the patch at its displaced position — the image through
 * the one trilinear interpolator, the label nearest, both as engine/common/trilinear.ts does at edges.
 */
function elasticWarp(p: PatchArrays, d: Float32Array, g: number, padValue: number): PatchArrays {
  const [nx, ny, nz] = p.size;
  const n = nx * ny * nz;
  const grid: Size3 = [g, g, g];
  const shift = [0, 1, 2].map((axis) =>
    resizeImage(
      d.filter((_, i) => i % 3 === axis),
      grid,
      p.size,
    ),
  );
  const image = new Float32Array(n);
  const label = new Uint8Array(n);
  const xs = new Float64Array(nx),
    ys = new Float64Array(nx),
    zs = new Float64Array(nx);
  for (let z = 0, o = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++, o += nx) {
      for (let x = 0; x < nx; x++) {
        xs[x] = x + shift[0][o + x];
        ys[x] = y + shift[1][o + x];
        zs[x] = z + shift[2][o + x];
      }
      trilinearPoints(p.image, p.size, xs, ys, zs, image, o, padValue);
      nearestPoints(p.label, p.size, xs, ys, zs, label, o);
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
