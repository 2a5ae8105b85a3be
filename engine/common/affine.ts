/**
 * 4×4 row-major affine helpers (voxel → RAS+ mm). Hand-written because they are a few lines of linear algebra on
 * 16 numbers; pulling a matrix library in for this would cost more than it saves.
 */
import type { Affine, Dims3 } from './volume.js';

export type Vec3 = [number, number, number];

/** Voxel size along each voxel axis: the length of each of the first three affine columns. */
export function spacingOf(affine: ArrayLike<number>): Vec3 {
  const out: Vec3 = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    out[c] = Math.hypot(affine[c], affine[4 + c], affine[8 + c]);
  }
  return out;
}

export function voxelToWorld(affine: ArrayLike<number>, ijk: ArrayLike<number>): Vec3 {
  const [i, j, k] = [ijk[0], ijk[1], ijk[2]];
  return [
    affine[0] * i + affine[1] * j + affine[2] * k + affine[3],
    affine[4] * i + affine[5] * j + affine[6] * k + affine[7],
    affine[8] * i + affine[9] * j + affine[10] * k + affine[11],
  ];
}

export function worldToVoxel(affine: ArrayLike<number>, xyz: ArrayLike<number>): Vec3 {
  return voxelToWorld(invertAffine(affine), xyz);
}

export function multiplyAffines(a: ArrayLike<number>, b: ArrayLike<number>): Affine {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      out[r * 4 + c] = a[r * 4] * b[c] + a[r * 4 + 1] * b[4 + c] + a[r * 4 + 2] * b[8 + c] + a[r * 4 + 3] * b[12 + c];
    }
  }
  return out;
}

/** Inverse of an affine whose last row is [0 0 0 1]; throws RangeError when the 3×3 part is singular. */
export function invertAffine(a: ArrayLike<number>): Affine {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]];
  const c00 = m11 * m22 - m12 * m21;
  const c01 = m02 * m21 - m01 * m22;
  const c02 = m01 * m12 - m02 * m11;
  const det = m00 * c00 + m10 * c01 + m20 * c02;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-300) throw new RangeError('affine is singular and cannot be inverted');
  const inv = 1 / det;
  const r = [
    c00 * inv,
    c01 * inv,
    c02 * inv,
    (m12 * m20 - m10 * m22) * inv,
    (m00 * m22 - m02 * m20) * inv,
    (m02 * m10 - m00 * m12) * inv,
    (m10 * m21 - m11 * m20) * inv,
    (m01 * m20 - m00 * m21) * inv,
    (m00 * m11 - m01 * m10) * inv,
  ];
  const out = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    out[row * 4] = r[row * 3];
    out[row * 4 + 1] = r[row * 3 + 1];
    out[row * 4 + 2] = r[row * 3 + 2];
    out[row * 4 + 3] = -(r[row * 3] * a[3] + r[row * 3 + 1] * a[7] + r[row * 3 + 2] * a[11]);
  }
  out[15] = 1;
  return out;
}

/** True when every entry differs by at most tolMm (the translation column is in mm, the rest mm per voxel). */
export function affinesEqual(a: ArrayLike<number>, b: ArrayLike<number>, tolMm = 1e-4): boolean {
  for (let n = 0; n < 16; n++) {
    if (!(Math.abs(a[n] - b[n]) <= tolMm)) return false;
  }
  return true;
}

export interface Grid {
  readonly dims: Dims3;
  readonly affine: ArrayLike<number>;
}

/** Same dims and affine within tolMm: voxel (i,j,k) of one is the same place as voxel (i,j,k) of the other. */
export function gridsEqual(a: Grid, b: Grid, tolMm = 1e-4): boolean {
  return a.dims[0] === b.dims[0] && a.dims[1] === b.dims[1] && a.dims[2] === b.dims[2] && affinesEqual(a.affine, b.affine, tolMm);
}

export function isFiniteAffine(a: ArrayLike<number>): boolean {
  for (let n = 0; n < 16; n++) if (!Number.isFinite(a[n])) return false;
  return true;
}

export function formatAffine(a: ArrayLike<number>, digits = 4): string {
  const rows: string[] = [];
  for (let r = 0; r < 3; r++) {
    rows.push(`[${[0, 1, 2, 3].map((c) => Number(a[r * 4 + c].toFixed(digits))).join(', ')}]`);
  }
  return `[${rows.join(', ')}]`;
}
