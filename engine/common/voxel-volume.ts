/** Volume of one voxel, for label volumes in mL everywhere (CLI history, API history, the segment list). */

/** Voxel volume in mm³ (|det| of the affine's 3×3 part; the affine is 4×4 row-major). */
export function voxelVolumeMm3(affine: ArrayLike<number>): number {
  const a = (r: number, c: number): number => affine[r * 4 + c];
  const det =
    a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
    a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
    a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
  return Math.abs(det);
}
