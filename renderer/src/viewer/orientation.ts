/**
 * What a reader needs to know where they are: the patient directions at the four edges of a 2D view and the
 * slice the view shows. Pure maths on Cornerstone's LPS world (x → patient Left, y → Posterior, z → Superior),
 * so it holds for any file orientation (LPS DICOM, RAS NIfTI) once the volume geometry is right.
 */
import { lpsToIjk, type LpsGeometry } from './geometry.js';

type Vec = ArrayLike<number>;

export interface EdgeLetters {
  readonly left: string;
  readonly right: string;
  readonly top: string;
  readonly bottom: string;
}

/** Letters of the LPS axes in the positive and negative direction. */
const POSITIVE = ['L', 'P', 'S'] as const;
const NEGATIVE = ['R', 'A', 'I'] as const;

/**
 * The patient direction of a world vector, dominant axis first; an axis that contributes more than a third of
 * the largest joins it (an oblique view reads e.g. "LA").
 */
export function directionLetters(v: Vec): string {
  const parts = [0, 1, 2].map((axis) => ({ axis, size: Math.abs(v[axis]) })).sort((a, b) => b.size - a.size);
  const largest = parts[0].size;
  if (!(largest > 0)) return '';
  return parts
    .filter((p) => p.size >= largest / 3)
    .map((p) => (v[p.axis] > 0 ? POSITIVE : NEGATIVE)[p.axis])
    .join('');
}

function cross(a: Vec, b: Vec): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Patient directions at the edges of a view whose camera has `viewUp` and `viewPlaneNormal` (pointing from the
 * focal point towards the camera, as in vtk and Cornerstone). Screen right is (−normal) × up.
 */
export function edgeLetters(viewUp: Vec, viewPlaneNormal: Vec): EdgeLetters {
  const right = cross([-viewPlaneNormal[0], -viewPlaneNormal[1], -viewPlaneNormal[2]], viewUp);
  const neg = (v: Vec): number[] => [-v[0], -v[1], -v[2]];
  return {
    left: directionLetters(neg(right)),
    right: directionLetters(right),
    top: directionLetters(viewUp),
    bottom: directionLetters(neg(viewUp)),
  };
}

export interface SliceInfo {
  /** Voxel axis normal to the view (0 = i, 1 = j, 2 = k). */
  readonly axis: 0 | 1 | 2;
  /** 0-based slice index along that axis, clamped to the volume. */
  readonly index: number;
  readonly count: number;
  /** Name of the world axis nearest the view normal ('x', 'y' or 'z') and the focal point's coordinate on it. */
  readonly worldAxis: 'x' | 'y' | 'z';
  readonly positionMm: number;
}

/** The voxel axis (0 = i, 1 = j, 2 = k) most nearly along a view's normal, given the volume's direction cosines. */
export function nearestVoxelAxis(direction: ArrayLike<number>, viewPlaneNormal: Vec): 0 | 1 | 2 {
  let axis: 0 | 1 | 2 = 2;
  let best = -1;
  for (const a of [0, 1, 2] as const) {
    const dot = Math.abs(
      viewPlaneNormal[0] * direction[a * 3] + viewPlaneNormal[1] * direction[a * 3 + 1] + viewPlaneNormal[2] * direction[a * 3 + 2],
    );
    if (dot > best) {
      best = dot;
      axis = a;
    }
  }
  return axis;
}

/** The slice a view shows, from its focal point and normal. */
export function sliceInfo(geometry: LpsGeometry, dims: readonly number[], focalPoint: Vec, viewPlaneNormal: Vec): SliceInfo {
  const axis = nearestVoxelAxis(geometry.direction, viewPlaneNormal);
  const ijk = lpsToIjk(geometry, focalPoint);
  const index = Math.min(dims[axis] - 1, Math.max(0, Math.round(ijk[axis])));
  const w = [0, 1, 2].reduce((m, a) => (Math.abs(viewPlaneNormal[a]) > Math.abs(viewPlaneNormal[m]) ? a : m), 0);
  return { axis, index, count: dims[axis], worldAxis: (['x', 'y', 'z'] as const)[w], positionMm: focalPoint[w] };
}

/** Rounded voxel index of a world point, or null outside the volume. */
export function voxelAt(geometry: LpsGeometry, dims: readonly number[], world: Vec): [number, number, number] | null {
  const ijk = lpsToIjk(geometry, world).map(Math.round);
  for (let a = 0; a < 3; a++) if (ijk[a] < 0 || ijk[a] >= dims[a]) return null;
  return ijk as [number, number, number];
}
