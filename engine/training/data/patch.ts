/**
 * Cropping with padding and positive/negative patch sampling (MONAI's RandCropByPosNegLabel).
 * Arrays are volume-ordered (x fastest, then y, z); sizes are (x, y, z).
 *
 * Example (1-D for brevity): a volume of 5 voxels and a patch of 8 centred on voxel 2 covers −2..5;
 * voxels −2, −1, 5 are outside and get `padValue` in the image and 0 in the label.
 */
import { growBox, nonZeroBox } from '../../common/box.js';
import type { Size3 } from './config.js';
import type { Rng } from '../../common/rng.js';

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

/** The foreground box grown by `margin` voxels and clamped to the volume: the fine stage's training ROI. */
export function roiWithMargin(label: Uint8Array, dims: Size3, margin: number): { start: Size3; size: Size3 } | undefined {
  const found = nonZeroBox(label, dims);
  if (!found) return undefined;
  const { min, max } = growBox(found, margin, dims);
  return { start: min, size: [max[0] - min[0] + 1, max[1] - min[1] + 1, max[2] - min[2] + 1] };
}
