/**
 * The working window of the morphological edits of one segment (margin, hollow, smoothing): the segment's voxels
 * cropped to its bounds padded by the kernel reach, and the commit of the wanted membership back into the grid.
 * Each effect states only its own arithmetic on the window.
 */
import { boxSize, cropToBox, padBoxMm, segmentBounds, type Box, type LabelGrid, type Size } from './grid.js';
import { commitMembership, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

export interface SegmentWindow {
  readonly box: Box;
  readonly size: Size;
  /** 1 where the box holds the segment, else 0. */
  readonly member: Uint8Array;
}

/** Segment `target` in its bounds padded by `padMm` (at least one voxel, so a surface can move); null when absent. */
export function segmentWindow(grid: LabelGrid, target: number, padMm: number): SegmentWindow | null {
  const bounds = segmentBounds(grid, target);
  if (!bounds) return null;
  const box = padBoxMm(bounds, grid.dims, grid.spacing, padMm, 1);
  return { box, size: boxSize(box), member: cropToBox(grid.labels, grid.dims, box, (v) => v === target) };
}

/** Makes segment `target` exactly `want` inside the window, as far as `policy` lets it. */
export function commitWindow(
  grid: LabelGrid,
  window: SegmentWindow,
  want: Uint8Array,
  target: number,
  policy: EditPolicy,
  write: VoxelWriter,
): EditResult {
  return commitMembership(grid, window.box, want, target, new VoxelFilter(policy, [target]), write);
}
