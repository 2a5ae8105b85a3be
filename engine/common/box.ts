/**
 * Inclusive voxel boxes: where label clean-up, the coarse stage and the body crop work, so that passes over a
 * 512×512×300 volume touch only the part that holds the label.
 */
import type { Dims3 } from './volume.js';

/** Inclusive voxel box [x0, y0, z0] … [x1, y1, z1]. */
export interface Box {
  readonly min: readonly [number, number, number];
  readonly max: readonly [number, number, number];
}

export function fullBox(dims: Dims3): Box {
  return { min: [0, 0, 0], max: [dims[0] - 1, dims[1] - 1, dims[2] - 1] };
}

/** Smallest box holding every non-zero voxel, or null when there is none. */
export function nonZeroBox(data: Uint8Array, dims: Dims3): Box | null {
  return boundsWhere(data, dims, (v) => v !== 0);
}

/** A bounding box grown row by row (i runs along a row): the one accumulator of the bounds scans. */
export class RowBounds {
  #x0 = Infinity;
  #y0 = Infinity;
  #z0 = Infinity;
  #x1 = -1;
  #y1 = -1;
  #z1 = -1;

  /** Row (j, k) holds voxels from column `first` to `last`. */
  add(first: number, last: number, j: number, k: number): void {
    if (first < this.#x0) this.#x0 = first;
    if (last > this.#x1) this.#x1 = last;
    if (j < this.#y0) this.#y0 = j;
    if (j > this.#y1) this.#y1 = j;
    if (k < this.#z0) this.#z0 = k;
    if (k > this.#z1) this.#z1 = k;
  }

  /** The box, or null when no row was added. */
  get box(): Box | null {
    return this.#x1 < 0 ? null : { min: [this.#x0, this.#y0, this.#z0], max: [this.#x1, this.#y1, this.#z1] };
  }
}

/** Smallest box holding every voxel whose value passes `test`, or null when there is none. */
export function boundsWhere(labels: Uint8Array, dims: Dims3, test: (value: number) => boolean): Box | null {
  const [nx, ny, nz] = dims;
  // A 256-entry table turns the per-voxel callback into an array read (the loop runs over every voxel).
  const hit = new Uint8Array(256);
  for (let v = 0; v < 256; v++) hit[v] = test(v) ? 1 : 0;
  const bounds = new RowBounds();
  let p = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      let first = -1,
        last = -1;
      for (let x = 0; x < nx; x++, p++)
        if (hit[labels[p]] === 1) {
          if (first < 0) first = x;
          last = x;
        }
      if (first >= 0) bounds.add(first, last, y, z);
    }
  return bounds.box;
}

/** The box grown by `by` voxels on every side (per axis when `by` is a triple), clamped to the volume. */
export function growBox(box: Box, by: number | readonly [number, number, number], dims: Dims3): Box {
  const m = typeof by === 'number' ? [by, by, by] : by;
  return {
    min: [0, 1, 2].map((a) => Math.max(0, box.min[a] - m[a])) as [number, number, number],
    max: [0, 1, 2].map((a) => Math.min(dims[a] - 1, box.max[a] + m[a])) as [number, number, number],
  };
}
