/**
 * Exact Euclidean distance transform with anisotropic voxel spacing (Felzenszwalb & Huttenlocher 2012: the lower
 * envelope of parabolas, one separable pass per axis, O(n)). Margins, hollowing, opening and closing are
 * thresholds of it, so a "2 mm" margin is a true 2 mm in every direction, not a voxel-count box. Written by hand:
 * it is ~60 lines, and no small browser-safe library offers an anisotropic 3D EDT on typed arrays.
 */
import type { Spacing } from './grid.js';

const FAR = 1e20;

/**
 * Squared distance in mm² from every voxel of a grid of `size` (i fastest) to the nearest voxel where
 * `feature` is 1 (FAR-ish, ≥ 1e19, where there is none).
 */
export function squaredDistanceMm(feature: Uint8Array, size: readonly [number, number, number], spacing: Spacing): Float32Array {
  const [nx, ny, nz] = size;
  const out = new Float32Array(nx * ny * nz);
  for (let p = 0; p < out.length; p++) out[p] = feature[p] === 1 ? 0 : FAR;
  const longest = Math.max(nx, ny, nz);
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  const pass = (n: number, stride: number, w2: number, starts: Iterable<number>): void => {
    for (const start of starts) {
      let any = false;
      for (let q = 0, p = start; q < n; q++, p += stride) {
        f[q] = out[p];
        if (f[q] < FAR) any = true;
      }
      if (!any) continue; // a line with no finite value stays FAR
      envelope(f, n, w2, d, v, z);
      for (let q = 0, p = start; q < n; q++, p += stride) out[p] = d[q];
    }
  };
  pass(nx, 1, spacing[0] * spacing[0], lineStarts(ny * nz, (m) => m * nx));
  pass(ny, nx, spacing[1] * spacing[1], lineStarts(nx * nz, (m) => (m % nx) + Math.floor(m / nx) * nx * ny));
  pass(nz, nx * ny, spacing[2] * spacing[2], lineStarts(nx * ny, (m) => m));
  return out;
}

function* lineStarts(count: number, start: (m: number) => number): Generator<number> {
  for (let m = 0; m < count; m++) yield start(m);
}

/** 1D squared distance: d[q] = min over p of f[p] + w2·(q − p)². */
function envelope(f: Float64Array, n: number, w2: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    if (f[q] >= FAR) continue; // an infinite parabola never enters the envelope
    for (;;) {
      const r = v[k];
      const s = (f[q] + w2 * q * q - (f[r] + w2 * r * r)) / (2 * w2 * (q - r));
      if (f[r] >= FAR || s <= z[k]) {
        if (k === 0) {
          // The first parabola was infinite or is dominated everywhere: replace it.
          v[0] = q;
          z[0] = -Infinity;
          z[1] = Infinity;
          break;
        }
        k--;
        continue;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
      break;
    }
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const r = v[k];
    d[q] = f[r] >= FAR ? FAR : w2 * (q - r) * (q - r) + f[r];
  }
}
