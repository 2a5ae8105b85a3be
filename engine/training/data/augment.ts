/**
 * Spatial augmentation of a (image, label) patch pair: flips, 90° rotations in the axial plane, and a small
 * affine (rotation about z, isotropic scale). Random draws happen once per patch in `drawSpatial` and are
 * applied to image and label alike (MONAI's one-draw-for-all-keys rule).
 */
import type { AugmentConfig, Size3 } from './config.js';
import type { CaseArrays, PatchArrays } from './patch.js';
import type { Rng } from './rng.js';

export interface SpatialDraw {
  readonly flip: readonly [boolean, boolean, boolean];
  /** Quarter turns in the x–y plane (0..3). */
  readonly rot90: number;
  /** Affine rotation about z in radians and scale factor (0 and 1 = none). */
  readonly angle: number;
  readonly scale: number;
}

export function drawSpatial(rng: Rng, cfg: AugmentConfig, size: Size3): SpatialDraw {
  const flip: [boolean, boolean, boolean] = [rng.chance(cfg.flipProb[0]), rng.chance(cfg.flipProb[1]), rng.chance(cfg.flipProb[2])];
  let rot90 = rng.chance(cfg.rot90Prob) ? 1 + rng.int(3) : 0;
  if (size[0] !== size[1] && rot90 % 2 === 1) rot90 = 2; // a quarter turn would change a non-square patch's shape
  const affine = rng.chance(cfg.affineProb);
  const angle = affine ? (rng.uniform(-cfg.rotateDeg, cfg.rotateDeg) * Math.PI) / 180 : 0;
  const scale = affine ? 1 + rng.uniform(-cfg.scale, cfg.scale) : 1;
  return { flip, rot90, angle, scale };
}

/**
 * Resamples a patch of `size` centred on `center` through a rotation about z and a scale: output voxel
 * offset o from the patch centre reads the case at center + R(angle)·o·scale — trilinear for the image,
 * nearest for the label, `padValue` / 0 outside.
 */
export function affinePatch(c: CaseArrays, center: Size3, size: Size3, angle: number, scale: number, padValue: number): PatchArrays {
  const [px, py, pz] = size;
  const [nx, ny, nz] = c.dims;
  const image = new Float32Array(px * py * pz);
  const label = new Uint8Array(px * py * pz);
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  const cx = (px - 1) / 2;
  const cy = (py - 1) / 2;
  const cz = (pz - 1) / 2;
  let o = 0;
  for (let z = 0; z < pz; z++) {
    const sz = center[2] + (z - cz) * scale;
    for (let y = 0; y < py; y++) {
      const dy = y - cy;
      for (let x = 0; x < px; x++, o++) {
        const dx = x - cx;
        const sx = center[0] + cos * dx - sin * dy;
        const sy = center[1] + sin * dx + cos * dy;
        image[o] = trilinear(c.image, nx, ny, nz, sx, sy, sz, padValue);
        const rx = Math.round(sx);
        const ry = Math.round(sy);
        const rz = Math.round(sz);
        label[o] = rx >= 0 && ry >= 0 && rz >= 0 && rx < nx && ry < ny && rz < nz ? c.label[rx + nx * (ry + ny * rz)] : 0;
      }
    }
  }
  return { image, label, size };
}

function trilinear(d: Float32Array, nx: number, ny: number, nz: number, x: number, y: number, z: number, pad: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const z0 = Math.floor(z);
  const fx = x - x0;
  const fy = y - y0;
  const fz = z - z0;
  let acc = 0;
  for (let k = 0; k < 2; k++) {
    const zz = z0 + k;
    const wz = k ? fz : 1 - fz;
    for (let j = 0; j < 2; j++) {
      const yy = y0 + j;
      const wy = j ? fy : 1 - fy;
      for (let i = 0; i < 2; i++) {
        const xx = x0 + i;
        const w = (i ? fx : 1 - fx) * wy * wz;
        if (w === 0) continue;
        const inside = xx >= 0 && yy >= 0 && zz >= 0 && xx < nx && yy < ny && zz < nz;
        acc += w * (inside ? d[xx + nx * (yy + ny * zz)] : pad);
      }
    }
  }
  return acc;
}

/** Applies the flips and quarter turns of a draw to a patch pair, returning new arrays. */
export function flipRotate(p: PatchArrays, d: SpatialDraw): PatchArrays {
  if (!d.flip[0] && !d.flip[1] && !d.flip[2] && d.rot90 === 0) return p;
  const [px, py, pz] = p.size;
  const turns = d.rot90 % 4;
  const outSize: Size3 = turns % 2 === 1 ? [py, px, pz] : [px, py, pz];
  const image = new Float32Array(p.image.length);
  const label = new Uint8Array(p.label.length);
  const [ox, oy] = outSize;
  for (let z = 0, i = 0; z < pz; z++) {
    const tz = d.flip[2] ? pz - 1 - z : z;
    for (let y = 0; y < py; y++) {
      const fy = d.flip[1] ? py - 1 - y : y;
      for (let x = 0; x < px; x++, i++) {
        const fx = d.flip[0] ? px - 1 - x : x;
        // quarter turn counter-clockwise in (x, y): (x, y) → (py-1-y, x), applied `turns` times
        let tx = fx;
        let ty = fy;
        if (turns === 1) [tx, ty] = [py - 1 - fy, fx];
        else if (turns === 2) [tx, ty] = [px - 1 - fx, py - 1 - fy];
        else if (turns === 3) [tx, ty] = [fy, px - 1 - fx];
        const o = tx + ox * (ty + oy * tz);
        image[o] = p.image[i];
        label[o] = p.label[i];
      }
    }
  }
  return { image, label, size: outSize };
}
