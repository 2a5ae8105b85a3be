/** Shared fixtures for the training tests: seeded inputs, labels, perturbed weights and error measures. */
import { initWeights, type WeightSet } from '../../engine/training/weights.js';
import { mulberry32 } from '../../engine/common/rng.js';
import type { ModelSpec } from '../../engine/training/spec.js';

/** max |a - b| / max |b|: the relative error of a whole tensor. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, floor);
}

/** A smooth random image [B, C, Z, Y, X] (sums of random plane waves), so convs and norms see structure. */
export function smoothImage(dims: number[], seed: number): Float32Array {
  const r = mulberry32(seed);
  const [b, c, nz, ny, nx] = dims;
  const out = new Float32Array(b * c * nz * ny * nx);
  for (let bc = 0; bc < b * c; bc++) {
    const k = Array.from({ length: 9 }, () => r() * 0.8 + 0.1);
    let i = bc * nz * ny * nx;
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          out[i++] =
            Math.sin(k[0] * x + k[1] * y + k[2] * z + k[3] * 6) + 0.5 * Math.cos(k[4] * x - k[5] * y + k[6] * z) + 0.1 * (r() - 0.5) + k[7];
        }
  }
  return out;
}

/** One-hot (softmax specs) or independent 0/1 channels (sigmoid) from thresholded smooth fields. */
export function smoothLabel(spec: ModelSpec, dims: number[], seed: number): Float32Array {
  const field = smoothImage(dims, seed);
  const [b, k, ...sp] = dims;
  const vox = sp[0] * sp[1] * sp[2];
  const out = new Float32Array(field.length);
  if (spec.outputActivation === 'sigmoid') {
    for (let i = 0; i < field.length; i++) out[i] = field[i] > 0.6 ? 1 : 0;
    return out;
  }
  for (let n = 0; n < b; n++)
    for (let v = 0; v < vox; v++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (field[(n * k + c) * vox + v] > field[(n * k + best) * vox + v]) best = c;
      out[(n * k + best) * vox + v] = 1;
    }
  return out;
}

/** initWeights with every bias and norm affine moved off 0/1, so no gradient path is trivially exercised. */
export function perturbedWeights(spec: ModelSpec, seed: number): WeightSet {
  const w = initWeights(spec, seed);
  const r = mulberry32(seed + 1);
  for (const [name, t] of w) {
    if (t.dims.length !== 1) continue;
    const base = /norm\.weight$|norm\d\.weight$/.test(name) ? 1 : 0;
    for (let i = 0; i < t.data.length; i++) t.data[i] = base + (r() - 0.5) * 0.4;
  }
  return w;
}
