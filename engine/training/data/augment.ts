/**
 * Spatial augmentation of a (image, label) patch pair: flips, 90° rotations in the axial plane, and a small
 * affine (rotation about z, isotropic scale). Random draws happen once per patch in `drawSpatial` and are
 * applied to image and label alike (MONAI's one-draw-for-all-keys rule).
 */
import type { AugmentConfig, Size3 } from './config.js';
import type { CaseArrays, PatchArrays } from './patch.js';
import type { Rng } from '../../common/rng.js';
import { nearestInto, trilinearInto } from '../../common/trilinear.js';

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
 * nearest for the label, `padValue` / 0 outside (engine/common/trilinear.ts, the interpolator inference uses).
 */
export function affinePatch(c: CaseArrays, center: Size3, size: Size3, angle: number, scale: number, padValue: number): PatchArrays {
  const [px, py, pz] = size;
  const image = new Float32Array(px * py * pz);
  const label = new Uint8Array(px * py * pz);
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  const [cx, cy, cz] = [(px - 1) / 2, (py - 1) / 2, (pz - 1) / 2];
  // patch voxel (x, y, z) → case voxel: rotation about z and scale around the patch centre, then shift to `center`
  const toCase = Float64Array.from([
    cos,
    -sin,
    0,
    center[0] - cos * cx + sin * cy,
    sin,
    cos,
    0,
    center[1] - sin * cx - cos * cy,
    0,
    0,
    scale,
    center[2] - scale * cz,
    0,
    0,
    0,
    1,
  ]);
  trilinearInto(c.image, c.dims, size, toCase, image, padValue);
  nearestInto(c.label, c.dims, size, toCase, label);
  return { image, label, size };
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
