/**
 * Hole filling on uint8 label volumes, shared by the model card's post-processing (3-D) and the Segmentation
 * panel's "Fill holes" (per axial slice). One implementation with the dimension an explicit option, built on
 * the run labelling of connected-components.ts so it needs a few MB, not a per-voxel queue.
 */
import { labelRuns } from './connected-components.js';
import { fullBox, type Box } from './box.js';
import type { Dims3 } from './volume.js';

export interface FillHolesOptions {
  /**
   * '3d': a hole is background not connected (6-neighbours) to the box's faces — what the model card's
   * `fillHoles` does. 'axial-slices': each axial slice on its own, a hole being background not connected
   * (4-neighbours) to the slice's edge — vessels and tumours show up as holes per slice, and a 3-D fill would
   * miss any hole that touches the next slice.
   */
  readonly dimension: '3d' | 'axial-slices';
  /** Where to work: pass a box one voxel larger than the label's extent, or leave out for the whole volume. */
  readonly box?: Box;
}

/**
 * Fills the holes of `value` in place: background (0) voxels inside components of "not value" that do not
 * reach the box's faces (its x/y edges only, for 'axial-slices'). Other labels are never overwritten. Returns
 * voxels filled.
 */
export function fillHoles(data: Uint8Array, dims: Dims3, value: number, options: FillHolesOptions): number {
  const box = options.box ?? fullBox(dims);
  const planar = options.dimension === 'axial-slices';
  const { runs, rowStart } = labelRuns(data, dims, box, value, { equal: false, connectivity: planar ? 'planar' : '3d' });
  if (runs.count === 0) return 0;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  const nx = dims[0];
  const ry = y1 - y0 + 1;
  const open = new Uint8Array(runs.count);
  const rows = rowStart.length - 1;
  for (let r = 0; r < rows; r++) {
    const y = y0 + (r % ry),
      z = z0 + Math.floor(r / ry);
    const faceRow = y === y0 || y === y1 || (!planar && (z === z0 || z === z1));
    for (let q = rowStart[r]; q < rowStart[r + 1]; q++) {
      const xs = runs.start[q] % nx,
        xe = (runs.end[q] - 1) % nx;
      if (faceRow || xs === x0 || xe === x1) open[runs.find(q)] = 1;
    }
  }
  let filled = 0;
  for (let q = 0; q < runs.count; q++) {
    if (open[runs.find(q)]) continue;
    for (let i = runs.start[q]; i < runs.end[q]; i++) {
      if (data[i] === 0) {
        data[i] = value;
        filled++;
      }
    }
  }
  return filled;
}
