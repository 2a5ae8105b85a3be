/** Margin (grow or shrink a segment by N mm) and Hollow (a shell of N mm), both on the exact anisotropic EDT. */
import { boxSize, cropToBox, padBoxMm, segmentBounds, type LabelGrid } from './grid.js';
import { dilateMm, erodeMm } from './distanceMorphology.js';
import { commitMembership, NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

/** Grows (`marginMm` > 0) or shrinks (< 0) segment `target` by a Euclidean margin. */
export function applyMargin(grid: LabelGrid, target: number, marginMm: number, policy: EditPolicy, write: VoxelWriter): EditResult {
  const bounds = segmentBounds(grid, target);
  if (!bounds || marginMm === 0) return NO_CHANGE;
  const box = padBoxMm(bounds, grid.dims, grid.spacing, Math.max(0, marginMm), 1);
  const member = cropToBox(grid.labels, grid.dims, box, (v) => v === target);
  const size = boxSize(box);
  const want = marginMm > 0 ? dilateMm(member, size, grid.spacing, marginMm) : erodeMm(member, size, grid.spacing, -marginMm);
  return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
}

/** Where the shell lies relative to the segment's surface (Slicer's "inside / outside / centred"). */
export type ShellSide = 'inside' | 'outside' | 'centred';

/** Replaces segment `target` by a shell of `thicknessMm` along its surface. */
export function applyHollow(
  grid: LabelGrid,
  target: number,
  thicknessMm: number,
  side: ShellSide,
  policy: EditPolicy,
  write: VoxelWriter,
): EditResult {
  const bounds = segmentBounds(grid, target);
  if (!bounds || thicknessMm <= 0) return NO_CHANGE;
  const outward = side === 'outside' ? thicknessMm : side === 'centred' ? thicknessMm / 2 : 0;
  const inward = side === 'inside' ? thicknessMm : side === 'centred' ? thicknessMm / 2 : 0;
  const box = padBoxMm(bounds, grid.dims, grid.spacing, outward, 1);
  const size = boxSize(box);
  const member = cropToBox(grid.labels, grid.dims, box, (v) => v === target);
  const outer = outward > 0 ? dilateMm(member, size, grid.spacing, outward) : member;
  // An inside shell of t keeps the members within t of the outside: members minus their erosion by t.
  const inner = inward > 0 ? erodeMm(member, size, grid.spacing, inward) : member;
  const want = new Uint8Array(member.length);
  for (let p = 0; p < want.length; p++) want[p] = outer[p] === 1 && (inward > 0 ? inner[p] === 0 : member[p] === 0) ? 1 : 0;
  return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
}
