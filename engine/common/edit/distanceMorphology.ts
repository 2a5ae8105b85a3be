/**
 * Dilation and erosion by a Euclidean radius in mm, as thresholds of the exact distance transform. Both work on
 * a box-sized 0/1 membership array; outside the box counts as "not a member" for dilation and as "unknown" (no
 * erosion from it) for erosion, so callers pad the box by the radius (dilation) or one voxel (erosion).
 */
import type { Spacing } from './grid.js';
import { squaredDistanceTransform as squaredDistanceMm } from '../distance-transform.js';

type Size = readonly [number, number, number];

/** Members plus every voxel within `radiusMm` of a member (voxel-centre distance). */
export function dilateMm(member: Uint8Array, size: Size, spacing: Spacing, radiusMm: number): Uint8Array {
  const d2 = squaredDistanceMm(member, size, spacing);
  const limit = radiusMm * radiusMm * (1 + 1e-9);
  const out = new Uint8Array(member.length);
  for (let p = 0; p < out.length; p++) out[p] = d2[p] <= limit ? 1 : 0;
  return out;
}

/** Members farther than `radiusMm` from every non-member voxel of the box. */
export function erodeMm(member: Uint8Array, size: Size, spacing: Spacing, radiusMm: number): Uint8Array {
  const outside = new Uint8Array(member.length);
  for (let p = 0; p < outside.length; p++) outside[p] = member[p] === 1 ? 0 : 1;
  const d2 = squaredDistanceMm(outside, size, spacing);
  const limit = radiusMm * radiusMm * (1 + 1e-9);
  for (let p = 0; p < outside.length; p++) outside[p] = member[p] === 1 && d2[p] > limit ? 1 : 0;
  return outside;
}
