/**
 * Cropping, padding and positive/negative patch sampling (MONAI's SpatialPad + RandCropByPosNegLabel).
 * Arrays are volume-ordered (x fastest, then y, z); sizes are (x, y, z).
 *
 * Example (1-D for brevity): a volume of 5 voxels and a patch of 8 centred on voxel 2 covers −2..5;
 * voxels −2, −1, 5 are outside and get `padValue` in the image and 0 in the label.
 */
import { labelBoundingBox } from '../../volume/crop.js';
import type { Size3 } from './config.js';
import type { Rng } from './rng.js';

const IDENTITY = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

/** A preprocessed case: image in [0, 1] (before augmentation), label with training classes. */
export interface CaseArrays {
  readonly image: Float32Array;
  readonly label: Uint8Array;
  readonly dims: Size3;
}

export interface PatchArrays {
  readonly image: Float32Array;
  readonly label: Uint8Array;
  readonly size: Size3;
}

/** Indices of voxels with label > 0 (MONAI's map_binary_to_indices, foreground half). */
export function foregroundIndices(label: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < label.length; i++) if (label[i] > 0) n++;
  const out = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < label.length; i++) if (label[i] > 0) out[j++] = i;
  return out;
}

/** The start corner of a patch centred on `center`, shifted so the patch lies inside the volume where it fits. */
export function patchStart(center: Size3, dims: Size3, size: Size3): Size3 {
  const s = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    let start = center[a] - Math.floor(size[a] / 2);
    if (dims[a] >= size[a]) start = Math.min(Math.max(start, 0), dims[a] - size[a]);
    else start = -Math.floor((size[a] - dims[a]) / 2); // smaller than the patch: centre the volume, pad both sides
    s[a] = start;
  }
  return [s[0], s[1], s[2]];
}

/**
 * Draws a patch centre: with probability pos/(pos+neg) a random foreground voxel, otherwise a random
 * background voxel (by rejection, so the background index list, most of the volume, is never built).
 * A volume without foreground always gives a background centre.
 */
export function drawCenter(rng: Rng, c: CaseArrays, fg: Int32Array, posNeg: readonly [number, number]): Size3 {
  const [pos, neg] = posNeg;
  const wantFg = fg.length > 0 && (neg === 0 || rng.next() < pos / (pos + neg));
  let idx: number;
  if (wantFg) idx = fg[rng.int(fg.length)];
  else {
    idx = rng.int(c.label.length);
    for (let tries = 0; tries < 64 && c.label[idx] > 0; tries++) idx = rng.int(c.label.length);
  }
  const [nx, ny] = c.dims;
  return [idx % nx, Math.floor(idx / nx) % ny, Math.floor(idx / (nx * ny))];
}

/** Copies the box at `start` of `size` out of the case, padding outside with `padValue` (label 0). */
export function cropPatch(c: CaseArrays, start: Size3, size: Size3, padValue: number): PatchArrays {
  const [px, py, pz] = size;
  const [nx, ny, nz] = c.dims;
  const image = new Float32Array(px * py * pz).fill(padValue);
  const label = new Uint8Array(px * py * pz);
  const x0 = Math.max(0, -start[0]);
  const x1 = Math.min(px, nx - start[0]);
  if (x1 <= x0) return { image, label, size };
  for (let z = 0; z < pz; z++) {
    const sz = start[2] + z;
    if (sz < 0 || sz >= nz) continue;
    for (let y = 0; y < py; y++) {
      const sy = start[1] + y;
      if (sy < 0 || sy >= ny) continue;
      const src = start[0] + nx * (sy + ny * sz);
      const dst = px * (y + py * z);
      image.set(c.image.subarray(src + x0, src + x1), dst + x0);
      label.set(c.label.subarray(src + x0, src + x1), dst + x0);
    }
  }
  return { image, label, size };
}

/** Pads (never crops) a case so every axis is at least `size`, centring it (MONAI SpatialPad, symmetric). */
export function padToAtLeast(c: CaseArrays, size: Size3, padValue: number): CaseArrays {
  const dims: Size3 = [Math.max(c.dims[0], size[0]), Math.max(c.dims[1], size[1]), Math.max(c.dims[2], size[2])];
  if (dims.every((d, a) => d === c.dims[a])) return c;
  const start: Size3 = [0, 1, 2].map((a) => -Math.floor((dims[a] - c.dims[a]) / 2)) as unknown as Size3;
  const p = cropPatch(c, start, dims, padValue);
  return { image: p.image, label: p.label, dims };
}

/** The foreground box grown by `margin` voxels and clamped to the volume: the fine stage's training ROI. */
export function roiWithMargin(label: Uint8Array, dims: Size3, margin: number): { start: Size3; size: Size3 } | undefined {
  const box = labelBoundingBox({ data: label, dims, affine: IDENTITY }, (v) => v > 0);
  if (!box) return undefined;
  const start = [0, 1, 2].map((a) => Math.max(0, box.min[a] - margin));
  const end = [0, 1, 2].map((a) => Math.min(dims[a] - 1, box.max[a] + margin));
  return { start: [start[0], start[1], start[2]], size: [end[0] - start[0] + 1, end[1] - start[1] + 1, end[2] - start[2] + 1] };
}
