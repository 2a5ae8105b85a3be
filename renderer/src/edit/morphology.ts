/**
 * Slice interpolation, the Segmentation panel's one labelmap operation of its own (fill holes and keep largest
 * island come from engine/common, shared with the model card's post-processing). It returns a NEW labelmap (the
 * editor applies it as one undo step) and only turns background (0) into `value`, so other segments are never
 * overwritten. Hand-written: a few dozen lines on a Uint8Array, where the JS imaging libraries that have it
 * (itk-wasm) would add tens of MB of WebAssembly to the renderer.
 */
import type { Dims3 } from '../../../engine/common/volume.js';

/** Squared Euclidean distance transform of one 2D binary mask row-major (Felzenszwalb & Huttenlocher). */
function distance2d(mask: Uint8Array, nx: number, ny: number, toInside: boolean): Float64Array {
  const INF = 1e20;
  const d = new Float64Array(nx * ny);
  for (let p = 0; p < d.length; p++) d[p] = (mask[p] === 1) === toInside ? 0 : INF;
  const size = Math.max(nx, ny);
  const f = new Float64Array(size);
  const out = new Float64Array(size);
  const v = new Int32Array(size);
  const z = new Float64Array(size + 1);
  const pass = (n: number): void => {
    let k = 0;
    v[0] = 0;
    z[0] = -INF;
    z[1] = INF;
    for (let q = 1; q < n; q++) {
      let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      while (s <= z[k]) {
        k--;
        s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = INF;
    }
    k = 0;
    for (let q = 0; q < n; q++) {
      while (z[k + 1] < q) k++;
      out[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
    }
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) f[i] = d[j * nx + i];
    pass(nx);
    for (let i = 0; i < nx; i++) d[j * nx + i] = out[i];
  }
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) f[j] = d[j * nx + i];
    pass(ny);
    for (let j = 0; j < ny; j++) d[j * nx + i] = out[j];
  }
  return d;
}

/** Signed distance per pixel of one axial slice: negative inside `value`, positive outside. */
function signedDistance(labels: Uint8Array, dims: Dims3, k: number, value: number): Float64Array {
  const [nx, ny] = dims;
  const mask = new Uint8Array(nx * ny);
  const base = k * nx * ny;
  for (let p = 0; p < mask.length; p++) mask[p] = labels[base + p] === value ? 1 : 0;
  const outside = distance2d(mask, nx, ny, true);
  const inside = distance2d(mask, nx, ny, false);
  const sd = new Float64Array(nx * ny);
  for (let p = 0; p < sd.length; p++) sd[p] = mask[p] ? -Math.sqrt(inside[p]) : Math.sqrt(outside[p]);
  return sd;
}

/**
 * Shape-based interpolation along the axial axis: every run of empty slices between two slices that contain
 * `value` is filled by blending the two slices' signed distance maps linearly and keeping the negative part.
 * Only background voxels are filled.
 */
export function interpolateSlices(labels: Uint8Array, dims: Dims3, value: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const annotated: number[] = [];
  for (let k = 0; k < nz; k++) {
    for (let p = k * plane; p < (k + 1) * plane; p++)
      if (labels[p] === value) {
        annotated.push(k);
        break;
      }
  }
  const out = labels.slice();
  for (let a = 0; a + 1 < annotated.length; a++) {
    const k0 = annotated[a];
    const k1 = annotated[a + 1];
    if (k1 - k0 < 2) continue;
    const d0 = signedDistance(labels, dims, k0, value);
    const d1 = signedDistance(labels, dims, k1, value);
    for (let k = k0 + 1; k < k1; k++) {
      const t = (k - k0) / (k1 - k0);
      const base = k * plane;
      for (let p = 0; p < plane; p++) {
        if ((1 - t) * d0[p] + t * d1[p] <= 0 && out[base + p] === 0) out[base + p] = value;
      }
    }
  }
  return out;
}
