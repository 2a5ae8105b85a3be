/** Orientation letters and slice info of the 2D views, from Cornerstone's own camera values for the MPR views. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { directionLetters, edgeLetters, sliceInfo, voxelAt } from '../../renderer/src/viewer/orientation.js';
import { rasAffineToLps } from '../../renderer/src/viewer/geometry.js';

describe('viewer orientation', () => {
  it('axial (normal −z, up −y) reads R on the left, L on the right, A on top, P at the bottom (radiological)', () => {
    assert.deepEqual(edgeLetters([0, -1, 0], [0, 0, -1]), { left: 'R', right: 'L', top: 'A', bottom: 'P' });
  });

  it('sagittal (normal +x, up +z) reads A left, P right, S top, I bottom', () => {
    assert.deepEqual(edgeLetters([0, 0, 1], [1, 0, 0]), { left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });

  it('coronal (normal −y, up +z) reads R left, L right, S top, I bottom', () => {
    assert.deepEqual(edgeLetters([0, 0, 1], [0, -1, 0]), { left: 'R', right: 'L', top: 'S', bottom: 'I' });
  });

  it('an oblique direction names its dominant axis first and drops small components', () => {
    assert.equal(directionLetters([0.8, -0.5, 0.05]), 'LA');
    assert.equal(directionLetters([-0.1, 0, 0.99]), 'S');
  });

  it('slice info of a RAS file: the axial slice index counts voxels along k and the position is LPS z', () => {
    // RAS affine: 2 mm in-plane, 3 mm slices, origin (10, 20, -30) RAS.
    const geometry = rasAffineToLps([2, 0, 0, 10, 0, 2, 0, 20, 0, 0, 3, -30, 0, 0, 0, 1]);
    const focal = [-10 - 2 * 4, -20 - 2 * 5, -30 + 3 * 7];
    const info = sliceInfo(geometry, [8, 9, 10], focal, [0, 0, -1]);
    assert.deepEqual(info, { axis: 2, index: 7, count: 10, worldAxis: 'z', positionMm: -9 });
    assert.deepEqual(voxelAt(geometry, [8, 9, 10], focal), [4, 5, 7]);
    assert.equal(voxelAt(geometry, [8, 9, 10], [100, 0, 0]), null);
  });

  it('slice info of an LPS-stored file (i along −x RAS) finds the sagittal axis from the direction, not the index order', () => {
    // Voxel axes permuted: i runs along z, j along y, k along x (RAS); a sagittal view is normal to k.
    const geometry = rasAffineToLps([0, 0, 1.5, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    const info = sliceInfo(geometry, [5, 6, 7], [-1.5 * 3, 0, 0], [1, 0, 0]);
    assert.equal(info.axis, 2);
    assert.equal(info.index, 3);
    assert.equal(info.worldAxis, 'x');
  });
});
