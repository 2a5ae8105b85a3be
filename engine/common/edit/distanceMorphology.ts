/**
 * Dilation and erosion by a Euclidean radius in mm, as thresholds of the exact distance transform. Both work on
 * a box-sized 0/1 membership array; outside the box counts as "not a member" for dilation and as "unknown" (no
 * erosion from it) for erosion, so callers pad the box by the radius (dilation) or one voxel (erosion).
 *
 * Only the shell matters: the member nearest to a non-member always touches a non-member (its 6-neighbour toward
 * the non-member is nearer, so it cannot be a member), and likewise the other way round. So the transform starts
 * from the one-voxel shell of the side being measured from and stops at the radius: the same answer as a
 * transform from every voxel of that side, at a fraction of the work (most lines lie beyond the radius and are
 * skipped). For a small radius (a thin shell times a small ball) stamping the ball's rows around every shell voxel
 * is cheaper still than the transform's passes over the whole box, with the same voxel-centre distances.
 */
import type { Spacing } from './grid.js';
import { squaredDistanceTransform as squaredDistanceMm } from '../distance-transform.js';

type Size = readonly [number, number, number];

/**
 * The transform may drop distances beyond the radius: cut a little above it, past float32 rounding, so every
 * distance within the radius is computed exactly as without the cut.
 */
const CUT_SLACK = 1 + 1e-5;

/** Members plus every voxel within `radiusMm` of a member (voxel-centre distance). */
export function dilateMm(member: Uint8Array, size: Size, spacing: Spacing, radiusMm: number): Uint8Array {
  const limit = radiusMm * radiusMm * (1 + 1e-9);
  const near = withinRadius(shell(member, size, 1), size, spacing, limit);
  for (let p = 0; p < near.length; p++) near[p] |= member[p];
  return near;
}

/** Members farther than `radiusMm` from every non-member voxel of the box. */
export function erodeMm(member: Uint8Array, size: Size, spacing: Spacing, radiusMm: number): Uint8Array {
  const limit = radiusMm * radiusMm * (1 + 1e-9);
  const near = withinRadius(shell(member, size, 0), size, spacing, limit);
  for (let p = 0; p < near.length; p++) near[p] = member[p] === 1 && near[p] === 0 ? 1 : 0;
  return near;
}

/** Voxels whose membership is `side` (1 members, 0 non-members) with a 6-neighbour in the box of the other side. */
function shell(member: Uint8Array, [nx, ny, nz]: Size, side: 0 | 1): Uint8Array {
  const out = new Uint8Array(member.length);
  const nxy = nx * ny;
  let p = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (member[p] !== side) continue;
        const other = 1 - side;
        if (
          (i > 0 && member[p - 1] === other) ||
          (i < nx - 1 && member[p + 1] === other) ||
          (j > 0 && member[p - nx] === other) ||
          (j < ny - 1 && member[p + nx] === other) ||
          (k > 0 && member[p - nxy] === other) ||
          (k < nz - 1 && member[p + nxy] === other)
        )
          out[p] = 1;
      }
  return out;
}

/** 1 where some `from` voxel lies within √limit mm (voxel centres): ball stamping when cheaper, else the transform. */
function withinRadius(from: Uint8Array, size: Size, spacing: Spacing, limit: number): Uint8Array {
  const [nx, ny, nz] = size;
  const reach = Math.sqrt(limit);
  const [hj, hk] = [1, 2].map((a) => Math.floor(reach / spacing[a]));
  // The ball as rows along i: offsets (dj, dk) and the row's half-width.
  const runs: [number, number, number][] = [];
  let ballVoxels = 0;
  for (let dk = -hk; dk <= hk; dk++)
    for (let dj = -hj; dj <= hj; dj++) {
      const rest = limit - (dj * spacing[1]) ** 2 - (dk * spacing[2]) ** 2;
      if (rest < 0) continue;
      // floor(√rest / s) can be one off in floating point: settle it on the squared distance itself.
      let half = Math.floor(Math.sqrt(rest) / spacing[0]);
      while (((half + 1) * spacing[0]) ** 2 <= rest) half++;
      while (half > 0 && (half * spacing[0]) ** 2 > rest) half--;
      runs.push([dj, dk, half]);
      ballVoxels += 2 * half + 1;
    }
  let count = 0;
  for (let p = 0; p < from.length; p++) count += from[p];
  if (count * ballVoxels > 2 * from.length) {
    const d2 = squaredDistanceMm(from, size, spacing, limit * CUT_SLACK);
    const out = new Uint8Array(from.length);
    for (let p = 0; p < out.length; p++) out[p] = d2[p] <= limit ? 1 : 0;
    return out;
  }
  const out = new Uint8Array(from.length);
  let p = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (from[p] === 0) continue;
        for (const [dj, dk, half] of runs) {
          const jj = j + dj;
          const kk = k + dk;
          if (jj < 0 || jj >= ny || kk < 0 || kk >= nz) continue;
          const row = nx * (jj + ny * kk);
          const end = row + Math.min(nx - 1, i + half);
          for (let q = row + Math.max(0, i - half); q <= end; q++) out[q] = 1;
        }
      }
  return out;
}
