/** Small labelmaps with known shapes for the edit-tool tests. */
import type { LabelGrid, Spacing } from '../../engine/common/edit/grid.js';

export function grid(dims: readonly [number, number, number], spacing: Spacing = [1, 1, 1]): LabelGrid {
  return { labels: new Uint8Array(dims[0] * dims[1] * dims[2]), dims, spacing };
}

export function at(g: LabelGrid, i: number, j: number, k: number): number {
  return i + g.dims[0] * (j + g.dims[1] * k);
}

/** Paints the inclusive box [lo, hi] with `value`. */
export function fillBox(g: LabelGrid, lo: readonly number[], hi: readonly number[], value: number): void {
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) g.labels[at(g, i, j, k)] = value;
}

/** Paints a ball of radius r mm (voxel centres within r of the centre voxel's centre). */
export function fillBall(g: LabelGrid, c: readonly number[], r: number, value: number): void {
  const [nx, ny, nz] = g.dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const d2 = ((i - c[0]) * g.spacing[0]) ** 2 + ((j - c[1]) * g.spacing[1]) ** 2 + ((k - c[2]) * g.spacing[2]) ** 2;
        if (d2 <= r * r) g.labels[at(g, i, j, k)] = value;
      }
}

export function count(g: LabelGrid, value: number): number {
  let n = 0;
  for (let p = 0; p < g.labels.length; p++) if (g.labels[p] === value) n++;
  return n;
}
