/**
 * Engine volumes carry a 4×4 row-major voxel→RAS+ affine; Cornerstone3D (like DICOM) works in LPS world space
 * with origin, per-axis spacing and a direction matrix whose rows are the unit i, j and k axes in world space.
 * Pure maths, no DOM, so it is unit-tested in Node.
 *
 * Example: RAS affine diag(3, 3, 3) with translation (10, 20, 30) → LPS origin (-10, -20, 30), spacing (3, 3, 3),
 * direction rows (-1,0,0), (0,-1,0), (0,0,1).
 */
export type Vec3 = [number, number, number];
export type Mat3Rows = [number, number, number, number, number, number, number, number, number];

export interface LpsGeometry {
  readonly origin: Vec3;
  readonly spacing: Vec3;
  readonly direction: Mat3Rows;
}

/** @throws RangeError when an axis of the affine has zero length (a degenerate volume cannot be shown). */
export function rasAffineToLps(affine: ArrayLike<number>): LpsGeometry {
  if (affine.length !== 16) throw new RangeError(`affine must have 16 entries, got ${affine.length}`);
  const flip = [-1, -1, 1];
  const spacing: number[] = [];
  const direction: number[] = [];
  for (let axis = 0; axis < 3; axis++) {
    // `|| 0` turns -0 into 0 so directions compare and print cleanly.
    const column = [0, 1, 2].map((row) => flip[row] * affine[row * 4 + axis] || 0);
    const length = Math.hypot(column[0], column[1], column[2]);
    if (!(length > 0)) throw new RangeError(`affine axis ${axis} has zero length; the volume geometry is degenerate`);
    spacing.push(length);
    direction.push(column[0] / length || 0, column[1] / length || 0, column[2] / length || 0);
  }
  const origin: Vec3 = [flip[0] * affine[3] || 0, flip[1] * affine[7] || 0, flip[2] * affine[11] || 0];
  return { origin, spacing: spacing as Vec3, direction: direction as Mat3Rows };
}

/** Continuous voxel index of an LPS world point (inverse of origin + Σ index·spacing·direction). */
export function lpsToIjk(geometry: LpsGeometry, world: ArrayLike<number>): Vec3 {
  const { origin, spacing, direction } = geometry;
  const d = [world[0] - origin[0], world[1] - origin[1], world[2] - origin[2]];
  // The direction rows are orthonormal for every affine an imaging file can carry (no shear), so the inverse is
  // the transpose; sheared affines are refused upstream by the engine's reader.
  const out: number[] = [];
  for (let axis = 0; axis < 3; axis++) {
    const r = direction.slice(axis * 3, axis * 3 + 3);
    out.push((d[0] * r[0] + d[1] * r[1] + d[2] * r[2]) / spacing[axis]);
  }
  return out as Vec3;
}
