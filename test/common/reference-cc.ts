/** Independent reference for the post-processing tests: breadth-first flood fill, one id per voxel. */
import type { Dims3 } from '../../engine/common/volume.js';

/** Reference: plain breadth-first flood fill over 6-neighbours, one component id per voxel. */
export function components(mask: Uint8Array, dims: Dims3): { id: Int32Array; sizes: number[]; touchesBorder: boolean[] } {
  const [nx, ny, nz] = dims;
  const id = new Int32Array(mask.length).fill(-1);
  const sizes: number[] = [];
  const touchesBorder: boolean[] = [];
  const queue = new Int32Array(mask.length);
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || id[s] >= 0) continue;
    const c = sizes.length;
    sizes.push(0);
    touchesBorder.push(false);
    let head = 0,
      tail = 0;
    queue[tail++] = s;
    id[s] = c;
    while (head < tail) {
      const v = queue[head++];
      sizes[c]++;
      const x = v % nx,
        y = Math.floor(v / nx) % ny,
        z = Math.floor(v / (nx * ny));
      if (x === 0 || y === 0 || z === 0 || x === nx - 1 || y === ny - 1 || z === nz - 1) touchesBorder[c] = true;
      const nbrs = [
        x > 0 ? v - 1 : -1,
        x < nx - 1 ? v + 1 : -1,
        y > 0 ? v - nx : -1,
        y < ny - 1 ? v + nx : -1,
        z > 0 ? v - nx * ny : -1,
        z < nz - 1 ? v + nx * ny : -1,
      ];
      for (const n of nbrs)
        if (n >= 0 && mask[n] && id[n] < 0) {
          id[n] = c;
          queue[tail++] = n;
        }
    }
  }
  return { id, sizes, touchesBorder };
}

export function referenceLargest(labels: Uint8Array, dims: Dims3, value: number): Uint8Array {
  const mask = labels.map((v) => (v === value ? 1 : 0));
  const { id, sizes } = components(mask, dims);
  const best = sizes.indexOf(Math.max(...sizes));
  return labels.map((v, i) => (v === value && id[i] !== best ? 0 : v));
}

export function referenceFill(labels: Uint8Array, dims: Dims3, value: number): Uint8Array {
  const mask = labels.map((v) => (v !== value ? 1 : 0));
  const { id, touchesBorder } = components(mask, dims);
  return labels.map((v, i) => (v === 0 && !touchesBorder[id[i]] ? value : v));
}

/** Reference for the per-slice fill: each axial slice alone, embedded between two layers of `value` (never a hole's way out). */
export function referenceFillPerSlice(labels: Uint8Array, dims: Dims3, value: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const out = labels.slice();
  for (let k = 0; k < nz; k++) {
    const sandwich = new Uint8Array(plane * 3).fill(value);
    sandwich.set(labels.subarray(k * plane, (k + 1) * plane), plane);
    out.set(referenceFill(sandwich, [nx, ny, 3], value).subarray(plane, 2 * plane), k * plane);
  }
  return out;
}
