/**
 * Islands (6-connected 3D components of one segment): keep the largest, remove those smaller than N mL, split
 * each island into its own segment, keep the island under the cursor. Built on the run-length labelling of
 * engine/common/connected-components.ts (a few MB for a liver, not a per-voxel label map).
 */
import { labelRuns, type Runs } from '../connected-components.js';
import { segmentBounds, type LabelGrid } from './grid.js';
import { NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

export type IslandOp =
  | { readonly kind: 'keepLargest' }
  | { readonly kind: 'removeSmall'; readonly minMl: number }
  | { readonly kind: 'split'; readonly minMl: number }
  | { readonly kind: 'keepSelected'; readonly voxel: number };

interface Islands {
  readonly runs: Runs;
  /** Voxels per root run (0 for non-roots). */
  readonly size: Float64Array;
}

function findIslands(grid: LabelGrid, target: number): Islands | null {
  const box = segmentBounds(grid, target);
  if (!box) return null;
  const { runs } = labelRuns(grid.labels, grid.dims, box, target, { equal: true, connectivity: '3d' });
  const size = new Float64Array(runs.count);
  for (let q = 0; q < runs.count; q++) size[runs.find(q)] += runs.end[q] - runs.start[q];
  return { runs, size };
}

export function voxelMl(grid: LabelGrid): number {
  return (grid.spacing[0] * grid.spacing[1] * grid.spacing[2]) / 1000;
}

/** Applies an island operation to segment `target`. */
export function applyIslands(grid: LabelGrid, target: number, op: IslandOp, policy: EditPolicy, write: VoxelWriter): EditResult {
  const islands = findIslands(grid, target);
  if (!islands) return NO_CHANGE;
  const { runs, size } = islands;
  const allowed = new VoxelFilter(policy, [target]).table;
  if (allowed[target] === 0) return NO_CHANGE;
  // The new value of each root's voxels: target (kept), 0 (removed) or another segment (split).
  const newValueOfRoot = new Int32Array(runs.count).fill(target);
  if (op.kind === 'keepLargest' || op.kind === 'keepSelected') {
    let keep = -1;
    if (op.kind === 'keepLargest') {
      for (let q = 0; q < runs.count; q++) if (keep < 0 || size[q] > size[keep]) keep = q;
    } else {
      keep = runOf(runs, op.voxel);
      if (keep < 0) throw new RangeError('the voxel under the cursor is not part of the selected segment');
      keep = runs.find(keep);
    }
    for (let q = 0; q < runs.count; q++) if (size[q] > 0 && q !== keep) newValueOfRoot[q] = 0;
  } else if (op.kind === 'removeSmall') {
    const minVoxels = op.minMl / voxelMl(grid);
    for (let q = 0; q < runs.count; q++) if (size[q] > 0 && size[q] < minVoxels) newValueOfRoot[q] = 0;
  } else {
    const minVoxels = op.minMl / voxelMl(grid);
    const roots = [...size.keys()].filter((q) => size[q] > 0).sort((a, b) => size[b] - size[a]);
    const used = new Uint8Array(256);
    for (let p = 0; p < grid.labels.length; p++) used[grid.labels[p]] = 1;
    let next = 1;
    // The largest island stays `target`; each further island (≥ minMl) gets the next unused segment value.
    for (const root of roots.slice(1)) {
      if (size[root] < minVoxels) continue;
      while (next < 256 && used[next]) next++;
      if (next >= 256) throw new RangeError('no free segment value left to split the islands into (255 segments in use)');
      newValueOfRoot[root] = next;
      used[next] = 1;
    }
  }
  const added = 0;
  let removed = 0;
  for (let q = 0; q < runs.count; q++) {
    const value = newValueOfRoot[runs.find(q)];
    if (value === target) continue;
    for (let p = runs.start[q]; p < runs.end[q]; p++) if (write(p, value)) removed++;
  }
  return { changed: added + removed, added, removed };
}

/** Index of the run holding flat voxel `p`, or −1 (runs are sorted by start offset). */
function runOf(runs: Runs, p: number): number {
  let lo = 0;
  let hi = runs.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (runs.end[mid] <= p) lo = mid + 1;
    else if (runs.start[mid] > p) hi = mid - 1;
    else return mid;
  }
  return -1;
}
