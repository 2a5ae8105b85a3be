/** Margin (grow or shrink a segment by N mm) and Hollow (a shell of N mm), both on the exact anisotropic EDT. */
import type { LabelGrid } from './grid.js';
import { dilateMm, erodeMm } from './distanceMorphology.js';
import { NO_CHANGE, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';
import { commitWindow, segmentWindow } from './segmentWindow.js';

/** Grows (`marginMm` > 0) or shrinks (< 0) segment `target` by a Euclidean margin. */
export function applyMargin(grid: LabelGrid, target: number, marginMm: number, policy: EditPolicy, write: VoxelWriter): EditResult {
  const window = marginMm === 0 ? null : segmentWindow(grid, target, Math.max(0, marginMm));
  if (!window) return NO_CHANGE;
  const { member, size } = window;
  const want = marginMm > 0 ? dilateMm(member, size, grid.spacing, marginMm) : erodeMm(member, size, grid.spacing, -marginMm);
  return commitWindow(grid, window, want, target, policy, write);
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
  const outward = side === 'outside' ? thicknessMm : side === 'centred' ? thicknessMm / 2 : 0;
  const inward = side === 'inside' ? thicknessMm : side === 'centred' ? thicknessMm / 2 : 0;
  const window = thicknessMm <= 0 ? null : segmentWindow(grid, target, outward);
  if (!window) return NO_CHANGE;
  const { member, size } = window;
  const outer = outward > 0 ? dilateMm(member, size, grid.spacing, outward) : member;
  // An inside shell of t keeps the members within t of the outside: members minus their erosion by t.
  const inner = inward > 0 ? erodeMm(member, size, grid.spacing, inward) : member;
  const want = new Uint8Array(member.length);
  for (let p = 0; p < want.length; p++) want[p] = outer[p] === 1 && (inward > 0 ? inner[p] === 0 : member[p] === 0) ? 1 : 0;
  return commitWindow(grid, window, want, target, policy, write);
}
