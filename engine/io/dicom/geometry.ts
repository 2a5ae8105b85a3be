/**
 * Slice geometry of a DICOM image series: sort along the slice normal, check spacing, detect gantry tilt, and build
 * the RAS+ affine exactly as dcm2niix lays the volume out (rows flipped: NIfTI j = 0 is the last DICOM row), so
 * label NIfTIs made from dcm2niix conversions (e.g. TotalSegmentator's) lie on our grid voxel for voxel.
 */
import { LobuleError } from '../../errors.js';
import type { Affine } from '../../common/volume.js';
import type { DicomFile, ImagePlane } from './parse.js';

/** One 2-D image of a series: a classic file, or one frame of an enhanced multi-frame file. */
export interface Slice {
  readonly file: DicomFile;
  readonly plane: ImagePlane;
  /** How messages name it: the path, plus the frame for multi-frame files. */
  readonly name: string;
}

/** Slice positions may wander this far from an even grid (scanner rounding, ±0.02 mm is common) and still be read. */
export function spacingTolerance(spacing: number): number {
  return Math.max(0.05, 0.02 * spacing);
}

/** In-plane shift of a slice against the first, in pixels along DICOM columns (c) and rows (r). */
export interface TiltShift {
  readonly dc: number;
  readonly dr: number;
}

export interface SortedSlices {
  readonly slices: Slice[];
  /** dcm2niix-layout affine; sheared when the gantry was tilted. */
  readonly affine: Affine;
  /** Set when the slices are shifted in-plane along the stack (gantry tilt): per slice, and the orthogonal affine. */
  readonly tilt?: { readonly degrees: number; readonly shifts: TiltShift[]; readonly orthogonalAffine: Affine };
  readonly notes: string[];
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

interface Geo {
  pos: number[];
  iop: number[];
  ps: number[];
}

function requireGeometry(s: Slice, what: string, single: boolean): Geo {
  const p = s.plane;
  // a lone slice without geometry (secondary capture) still makes a volume: axial, at the origin, as dcm2niix does
  if (single && (!p.position || !p.orientation)) return { pos: [0, 0, 0], iop: [1, 0, 0, 0, 1, 0], ps: p.pixelSpacing ?? [1, 1] };
  if (!p.position || p.position.length !== 3 || !p.orientation || p.orientation.length !== 6) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `${s.name} has no ImagePositionPatient/ImageOrientationPatient`,
      `${what} needs both to place slices in space`,
    );
  }
  return { pos: p.position, iop: p.orientation, ps: p.pixelSpacing ?? [1, 1] };
}

/** Sorted slices and the affine; throws LobuleError for mixed sizes/orientations, duplicates, missing slices. */
export function sortSlices(slices: Slice[], seriesLabel: string): SortedSlices {
  const first = slices[0];
  const single = slices.length === 1;
  const g0 = requireGeometry(first, seriesLabel, single);
  for (const s of slices) {
    if (s.file.rows !== first.file.rows || s.file.columns !== first.file.columns) {
      throw new LobuleError(
        'E_GEOMETRY',
        `${seriesLabel} mixes image sizes: ${first.name} is ${first.file.columns}×${first.file.rows} but ${s.name} ` +
          `is ${s.file.columns}×${s.file.rows}`,
        'Split the series or remove the odd files',
      );
    }
    const g = requireGeometry(s, seriesLabel, single);
    if (g.iop.some((v, n) => Math.abs(v - g0.iop[n]) > 1e-3)) {
      throw new LobuleError(
        'E_GEOMETRY',
        `${seriesLabel} mixes slice orientations (${first.name} and ${s.name})`,
        'Choose a series with a single orientation (localizers are often mixed in)',
      );
    }
    if (g.ps.some((v, n) => Math.abs(v - g0.ps[n]) > 1e-4)) {
      throw new LobuleError(
        'E_GEOMETRY',
        `${seriesLabel} mixes pixel spacings (${first.name} and ${s.name})`,
        'Split the series or remove the odd files',
      );
    }
  }
  const rowDir = g0.iop.slice(0, 3);
  const colDir = g0.iop.slice(3, 6);
  const normal = cross(rowDir, colDir);
  const keyed = slices.map((s) => ({ s, d: dot(s.plane.position ?? g0.pos, normal) })).sort((a, b) => a.d - b.d);
  const gaps = keyed.slice(1).map((k, n) => k.d - keyed[n].d);
  const dup = gaps.findIndex((gap) => gap < 1e-3);
  if (dup >= 0) {
    throw new LobuleError(
      'E_GEOMETRY',
      `${seriesLabel} has two slices at the same position (${keyed[dup].s.name} ` +
        `and ${keyed[dup + 1].s.name}, ${keyed[dup].d.toFixed(3)} mm along the slice normal)`,
      'The folder holds duplicates or several acquisitions (or an enhanced object with several stacks); keep one copy of each slice',
    );
  }
  const notes: string[] = [];
  if (gaps.length > 0) checkSpacing(gaps, keyed, seriesLabel, notes);
  const sorted = keyed.map((k) => k.s);
  const affine = dcm2niixAffine(sorted, g0, normal, null);
  return {
    slices: sorted,
    affine,
    tilt: tiltOf(
      sorted,
      g0,
      normal,
      keyed.map((k) => k.d),
    ),
    notes,
  };
}

/**
 * Missing slices (a gap of about a whole multiple of the usual spacing) and uneven spacing are refused, naming the
 * slices and their positions. Positions that wander from the even grid between the first and last slice by no more
 * than spacingTolerance() are accepted, as dcm2niix accepts them: the affine uses that mean spacing.
 */
function checkSpacing(gaps: number[], keyed: { s: Slice; d: number }[], seriesLabel: string, notes: string[]): void {
  const sorted = gaps.slice().sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)];
  const tol = spacingTolerance(typical);
  const at = (n: number) => `${keyed[n].s.name} at ${keyed[n].d.toFixed(2)} mm`;
  for (let n = 0; n < gaps.length; n++) {
    const missing = Math.round(gaps[n] / typical) - 1;
    if (missing >= 1 && Math.abs(gaps[n] - (missing + 1) * typical) <= tol * (missing + 1)) {
      throw new LobuleError(
        'E_GEOMETRY',
        `${seriesLabel} is missing ${missing} slice${missing > 1 ? 's' : ''} between ${at(n)} and ${at(n + 1)} ` +
          `(gap ${gaps[n].toFixed(3)} mm, spacing ${typical.toFixed(3)} mm)`,
        'Copy the complete series again',
      );
    }
  }
  const d0 = keyed[0].d;
  const mean = (keyed[keyed.length - 1].d - d0) / (keyed.length - 1);
  let worst = 0,
    worstAt = 0;
  keyed.forEach((k, n) => {
    const off = Math.abs(k.d - (d0 + n * mean));
    if (off > worst) {
      worst = off;
      worstAt = n;
    }
  });
  if (worst > tol) {
    const n = Math.max(1, worstAt);
    throw new LobuleError(
      'E_GEOMETRY',
      `${seriesLabel} has uneven slice spacing: ${gaps[n - 1].toFixed(3)} mm between ${at(n - 1)} ` +
        `and ${at(n)}, ${typical.toFixed(3)} mm elsewhere; ${keyed[worstAt].s.name} lies ${worst.toFixed(3)} mm off an even grid ` +
        `(tolerance ±${tol.toFixed(3)} mm)`,
      'Lobule reads only evenly spaced series; resample it first (e.g. dcm2niix then a resampler)',
    );
  }
  if (worst > 1e-3)
    notes.push(
      `slice positions deviate by up to ${worst.toFixed(3)} mm from an even ${mean.toFixed(3)} mm spacing (within the ` +
        `±${tol.toFixed(3)} mm tolerance); the mean spacing is used`,
    );
}

/** Gantry tilt: slice origins move in-plane as well as along the normal. Null when they stay within 0.01 pixel. */
function tiltOf(slices: Slice[], g0: Geo, normal: number[], along: number[]): SortedSlices['tilt'] {
  if (slices.length < 2) return undefined;
  const p0 = slices[0].plane.position as number[];
  const rowDir = g0.iop.slice(0, 3),
    colDir = g0.iop.slice(3, 6);
  const shifts = slices.map((s, k) => {
    const p = s.plane.position as number[];
    const off = [0, 1, 2].map((a) => p[a] - p0[a] - (along[k] - along[0]) * normal[a]);
    return { dc: dot(off, rowDir) / g0.ps[1], dr: dot(off, colDir) / g0.ps[0] };
  });
  const last = shifts[shifts.length - 1];
  if (shifts.every((s) => Math.abs(s.dc) < 0.01 && Math.abs(s.dr) < 0.01)) return undefined;
  const inPlaneMm = Math.hypot(last.dc * g0.ps[1], last.dr * g0.ps[0]);
  const degrees = (Math.atan2(inPlaneMm, along[along.length - 1] - along[0]) * 180) / Math.PI;
  const orthogonalAffine = dcm2niixAffine(slices, g0, normal, (along[along.length - 1] - along[0]) / (slices.length - 1));
  return { degrees, shifts, orthogonalAffine };
}

/** `normalStep` set: k runs along the slice normal by that many mm (the orthogonal grid of a tilted series). */
function dcm2niixAffine(slices: Slice[], g0: Geo, normal: number[], normalStep: number | null): Affine {
  const rows = slices[0].file.rows;
  const ps = g0.ps;
  const p0 = slices[0].plane.position ?? g0.pos;
  const rowDir = g0.iop.slice(0, 3);
  const colDir = g0.iop.slice(3, 6);
  let kStep: number[];
  if (normalStep !== null) kStep = normal.map((v) => v * normalStep);
  else if (slices.length > 1) {
    const pl = slices[slices.length - 1].plane.position as number[];
    kStep = [0, 1, 2].map((a) => (pl[a] - p0[a]) / (slices.length - 1));
  } else {
    const t = slices[0].plane.sliceThickness ?? 1;
    kStep = normal.map((v) => v * t);
  }
  // LPS columns for i (along a row), j (flipped rows), k (slices); origin at DICOM row rows-1 of the first slice
  const iCol = rowDir.map((v) => v * ps[1]);
  const jCol = colDir.map((v) => -v * ps[0]);
  const origin = p0.map((v, a) => v + (rows - 1) * ps[0] * colDir[a]);
  const a = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    const s = r < 2 ? -1 : 1; // LPS → RAS
    a[r * 4] = s * iCol[r];
    a[r * 4 + 1] = s * jCol[r];
    a[r * 4 + 2] = s * kStep[r];
    a[r * 4 + 3] = s * origin[r];
  }
  a[15] = 1;
  return a;
}
