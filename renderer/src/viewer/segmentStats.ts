/**
 * Per-segment statistics of a labelmap over its image, in one pass: volume, mean / SD / min / max of the image
 * (HU for CT), surface area and extent. Pure (no DOM) so it is unit-tested in Node.
 *
 * Surface area: the area of the voxel faces between a segment and anything else, times 2/3. A voxelised surface
 * has |nx| + |ny| + |nz| times the true area locally, and that factor averages 3/2 over all orientations
 * (Cauchy), so 2/3 makes the estimate unbiased for surfaces without a preferred direction (a sphere is within a
 * few per cent); a marching-cubes mesh would be a little closer but costs a mesh per segment.
 */
import type { LpsGeometry } from './geometry.js';

export interface SegmentStats {
  readonly value: number;
  readonly voxels: number;
  readonly volumeMl: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly surfaceCm2: number;
  /** Bounding-box size along the patient axes R–L, A–P, S–I in mm. */
  readonly extentMm: { readonly rl: number; readonly ap: number; readonly si: number };
}

interface Acc {
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
  faces: [number, number, number];
  lo: [number, number, number];
  hi: [number, number, number];
}

export function segmentStats(labels: Uint8Array, image: ArrayLike<number>, dims: readonly number[], geometry: LpsGeometry): SegmentStats[] {
  const [nx, ny, nz] = dims;
  const acc: (Acc | undefined)[] = new Array(256);
  const get = (v: number): Acc =>
    (acc[v] ??= { n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity, faces: [0, 0, 0], lo: [nx, ny, nz], hi: [-1, -1, -1] });
  const plane = nx * ny;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let p = k * plane + j * nx;
      for (let i = 0; i < nx; i++, p++) {
        const v = labels[p];
        if (v === 0) continue;
        const a = get(v);
        const x = image[p];
        a.n++;
        a.sum += x;
        a.sumSq += x * x;
        if (x < a.min) a.min = x;
        if (x > a.max) a.max = x;
        if (i < a.lo[0]) a.lo[0] = i;
        if (i > a.hi[0]) a.hi[0] = i;
        if (j < a.lo[1]) a.lo[1] = j;
        if (j > a.hi[1]) a.hi[1] = j;
        if (k < a.lo[2]) a.lo[2] = k;
        if (k > a.hi[2]) a.hi[2] = k;
        // Faces normal to each axis where the neighbour is another value (or outside the volume).
        if (i === 0 || labels[p - 1] !== v) a.faces[0]++;
        if (i === nx - 1 || labels[p + 1] !== v) a.faces[0]++;
        if (j === 0 || labels[p - nx] !== v) a.faces[1]++;
        if (j === ny - 1 || labels[p + nx] !== v) a.faces[1]++;
        if (k === 0 || labels[p - plane] !== v) a.faces[2]++;
        if (k === nz - 1 || labels[p + plane] !== v) a.faces[2]++;
      }
    }
  }
  const [sx, sy, sz] = geometry.spacing;
  const faceArea = [sy * sz, sx * sz, sx * sy];
  const voxelMm3 = sx * sy * sz;
  const rows: SegmentStats[] = [];
  for (let v = 1; v < 256; v++) {
    const a = acc[v];
    if (!a) continue;
    const mean = a.sum / a.n;
    const span = [0, 1, 2].map((axis) => (a.hi[axis] - a.lo[axis] + 1) * geometry.spacing[axis]);
    // Each voxel axis lies along one patient axis (its direction's largest component).
    const extent = [0, 0, 0];
    for (let axis = 0; axis < 3; axis++) {
      const d = geometry.direction.slice(axis * 3, axis * 3 + 3).map(Math.abs);
      extent[d.indexOf(Math.max(...d))] = span[axis];
    }
    rows.push({
      value: v,
      voxels: a.n,
      volumeMl: (a.n * voxelMm3) / 1000,
      mean,
      sd: Math.sqrt(Math.max(0, a.sumSq / a.n - mean * mean)),
      min: a.min,
      max: a.max,
      surfaceCm2: ((a.faces[0] * faceArea[0] + a.faces[1] * faceArea[1] + a.faces[2] * faceArea[2]) * 2) / 3 / 100,
      extentMm: { rl: extent[0], ap: extent[1], si: extent[2] },
    });
  }
  return rows;
}

const CSV_HEADER = [
  'label',
  'name',
  'voxels',
  'volume_ml',
  'mean_hu',
  'sd_hu',
  'min_hu',
  'max_hu',
  'surface_cm2',
  'extent_rl_mm',
  'extent_ap_mm',
  'extent_si_mm',
];

/** The table as CSV (comma) or TSV (tab, for pasting into a spreadsheet). */
export function statsTable(rows: readonly SegmentStats[], names: (value: number) => string, separator: ',' | '\t'): string {
  const quote = (s: string): string => (/[",\t\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [CSV_HEADER.join(separator)];
  for (const r of rows) {
    const cells = [
      r.value,
      quote(names(r.value)),
      r.voxels,
      r.volumeMl.toFixed(2),
      r.mean.toFixed(1),
      r.sd.toFixed(1),
      r.min,
      r.max,
      r.surfaceCm2.toFixed(1),
    ];
    lines.push([...cells, r.extentMm.rl.toFixed(1), r.extentMm.ap.toFixed(1), r.extentMm.si.toFixed(1)].join(separator));
  }
  return lines.join('\n') + '\n';
}
