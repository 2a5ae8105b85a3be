/**
 * Slice geometry of a DICOM image series: sort along the slice normal, check spacing, and build the RAS+ affine
 * exactly as dcm2niix lays the volume out (rows flipped: NIfTI j = 0 is the last DICOM row), so label NIfTIs made
 * from dcm2niix conversions (e.g. TotalSegmentator's) lie on our grid voxel for voxel.
 */
import { LobuleError } from '../../errors.js';
import type { Affine } from '../../common/volume.js';
import type { DicomFile } from './parse.js';

export interface SortedSlices {
  readonly slices: DicomFile[];
  readonly affine: Affine;
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function requireGeometry(f: DicomFile, what: string, single: boolean): { pos: number[]; iop: number[]; ps: number[] } {
  // a lone slice without geometry (secondary capture) still makes a volume: axial, at the origin, as dcm2niix does
  if (single && (!f.position || !f.orientation)) return { pos: [0, 0, 0], iop: [1, 0, 0, 0, 1, 0], ps: f.pixelSpacing ?? [1, 1] };
  if (!f.position || f.position.length !== 3 || !f.orientation || f.orientation.length !== 6) {
    throw new LobuleError('E_UNSUPPORTED', `'${f.path}' has no ImagePositionPatient/ImageOrientationPatient`, `${what} needs both to place slices in space`);
  }
  return { pos: f.position, iop: f.orientation, ps: f.pixelSpacing ?? [1, 1] };
}

/** Sorted slices and the affine; throws LobuleError for mixed sizes/orientations, duplicates, gaps, uneven spacing. */
export function sortSlices(files: DicomFile[], seriesLabel: string): SortedSlices {
  const first = files[0];
  const single = files.length === 1;
  const g0 = requireGeometry(first, seriesLabel, single);
  for (const f of files) {
    if (f.rows !== first.rows || f.columns !== first.columns) {
      throw new LobuleError('E_GEOMETRY', `${seriesLabel} mixes image sizes: '${first.path}' is ${first.columns}×${first.rows} but '${f.path}' is ${f.columns}×${f.rows}`, 'Split the series or remove the odd files');
    }
    const g = requireGeometry(f, seriesLabel, single);
    if (g.iop.some((v, n) => Math.abs(v - g0.iop[n]) > 1e-3)) {
      throw new LobuleError('E_GEOMETRY', `${seriesLabel} mixes slice orientations ('${first.path}' and '${f.path}')`, 'Choose a series with a single orientation (localizers are often mixed in)');
    }
    if (g.ps.some((v, n) => Math.abs(v - g0.ps[n]) > 1e-4)) {
      throw new LobuleError('E_GEOMETRY', `${seriesLabel} mixes pixel spacings ('${first.path}' and '${f.path}')`, 'Split the series or remove the odd files');
    }
  }
  const rowDir = g0.iop.slice(0, 3);
  const colDir = g0.iop.slice(3, 6);
  const normal = cross(rowDir, colDir);
  const keyed = files.map((f) => ({ f, d: dot(f.position ?? g0.pos, normal) })).sort((a, b) => a.d - b.d);
  const gaps = keyed.slice(1).map((s, n) => s.d - keyed[n].d);
  if (gaps.some((gap) => gap < 1e-3)) {
    const n = gaps.findIndex((gap) => gap < 1e-3);
    throw new LobuleError('E_GEOMETRY', `${seriesLabel} has two slices at the same position ('${keyed[n].f.path}' and '${keyed[n + 1].f.path}')`, 'The folder holds duplicates or several acquisitions; keep one copy of each slice');
  }
  if (gaps.length > 0) checkSpacing(gaps, keyed.map((k) => k.f.path), seriesLabel);
  const slices = keyed.map((k) => k.f);
  return { slices, affine: dcm2niixAffine(slices, g0, normal) };
}

function checkSpacing(gaps: number[], paths: string[], seriesLabel: string): void {
  const sorted = gaps.slice().sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)];
  const tol = Math.max(0.01, typical * 0.01);
  for (let n = 0; n < gaps.length; n++) {
    if (Math.abs(gaps[n] - typical) <= tol) continue;
    const missing = Math.round(gaps[n] / typical) - 1;
    if (missing >= 1 && Math.abs(gaps[n] - (missing + 1) * typical) <= tol * (missing + 1)) {
      throw new LobuleError('E_GEOMETRY', `${seriesLabel} is missing ${missing} slice${missing > 1 ? 's' : ''} between '${paths[n]}' and '${paths[n + 1]}' (gap ${gaps[n].toFixed(3)} mm, spacing ${typical.toFixed(3)} mm)`, 'Copy the complete series again');
    }
    throw new LobuleError('E_GEOMETRY', `${seriesLabel} has uneven slice spacing: ${gaps[n].toFixed(3)} mm between '${paths[n]}' and '${paths[n + 1]}', ${typical.toFixed(3)} mm elsewhere`, 'Lobule reads only evenly spaced series; resample it first (e.g. dcm2niix then a resampler)');
  }
}

function dcm2niixAffine(slices: DicomFile[], g0: { pos: number[]; iop: number[]; ps: number[] }, normal: number[]): Affine {
  const rows = slices[0].rows;
  const ps = g0.ps;
  const p0 = slices[0].position ?? g0.pos;
  const rowDir = g0.iop.slice(0, 3);
  const colDir = g0.iop.slice(3, 6);
  let kStep: number[];
  if (slices.length > 1) {
    const pl = slices[slices.length - 1].position as number[];
    kStep = [0, 1, 2].map((a) => (pl[a] - p0[a]) / (slices.length - 1));
  } else {
    const t = slices[0].sliceThickness ?? 1;
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
