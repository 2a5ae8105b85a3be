/**
 * Logical operators between segments (Slicer's "Logical operators"). In one labelmap segments never overlap, so:
 * add relabels the source's voxels as the target (a merge); subtract removes from the target only voxels that are
 * also the source — none, as labels are exclusive — and is kept for users who expect it; intersect therefore
 * empties the target unless the source is the target; copy makes the target exactly the source's voxels (the
 * source keeps them only when it is the target); invert swaps target and non-target inside the editable area;
 * clear empties the target. Everything passes through the edit policy.
 */
import { cropToBox, fullBox, segmentBounds, unionBox, type LabelGrid } from './grid.js';
import { commitLabels, commitMembership, NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

export type LogicalOp = 'copy' | 'add' | 'subtract' | 'intersect' | 'invert' | 'clear';

export function applyLogical(
  grid: LabelGrid,
  op: LogicalOp,
  target: number,
  source: number | null,
  policy: EditPolicy,
  write: VoxelWriter,
): EditResult {
  const needsSource = op === 'copy' || op === 'add' || op === 'subtract' || op === 'intersect';
  if (needsSource && (source === null || source === 0)) {
    throw new RangeError(`logical ${op} needs a source segment other than background`);
  }
  const src = source ?? -1;
  if (op === 'invert') {
    const box = fullBox(grid.dims);
    const want = cropToBox(grid.labels, grid.dims, box, (v) => v !== target);
    // Inverting claims every non-target voxel: other segments are overwritten only where the rule allows.
    return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
  }
  const box =
    op === 'clear' || op === 'subtract' || op === 'intersect'
      ? segmentBounds(grid, target)
      : unionBox(segmentBounds(grid, target), segmentBounds(grid, src));
  if (!box) return NO_CHANGE;
  if (op === 'copy' || op === 'add') {
    // Proposal: source voxels become target; for copy, target voxels outside the source become background.
    const proposed = cropToBox(grid.labels, grid.dims, box);
    for (let p = 0; p < proposed.length; p++) {
      if (proposed[p] === src) proposed[p] = target;
      else if (op === 'copy' && proposed[p] === target) proposed[p] = 0;
    }
    return commitLabels(grid, box, proposed, target, new VoxelFilter(policy, [target, src]), write);
  }
  const keep =
    op === 'clear' ? () => false : op === 'subtract' ? (v: number) => v === target && v !== src : (v: number) => v === target && v === src;
  const want = cropToBox(grid.labels, grid.dims, box, keep);
  return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
}
