/**
 * Appearance augmentation for unseen scanners and patients (issue "bundled liver model v2"): the bundled model
 * failed on livers whose contrast, noise and tumours differ from its one training patient. Each transform is a
 * small spec, a draw from an injected `Rng` and a pure in-place apply (MONAI's randomize/apply split), on a patch
 * whose image is already clipped and scaled to [0, 1] (so 0.1 ≈ 60 HU for the study's [-300, 300] window).
 *
 * - gamma:         v ↦ v^γ on [0, 1], γ log-uniform in [1/gammaMax, gammaMax] (scanner/kernel response).
 * - noise:         additive Gaussian noise, σ uniform in [0, noiseSigma] (dose, reconstruction).
 * - lowDose:       strong noise then a light blur, which is how low-dose CT noise looks (correlated grain).
 * - blur:          separable Gaussian, σ uniform in [0.5, blurSigma] voxels (soft kernels, thick slices).
 * - contrastPhase: the liver's intensity shifted against its surroundings by ±contrastShift (non-contrast,
 *                  arterial and portal phases enhance the liver differently; the label says where the liver is).
 * - lesions:       see synthetic-lesions.ts.
 */
import type { Rng } from '../../common/rng.js';
import type { AppearanceConfig } from '../../common/train-plan/schema.js';
import type { Size3 } from './config.js';

export interface AppearanceDraw {
  readonly gamma: number;
  readonly noiseSigma: number;
  readonly blurSigma: number;
  readonly contrastShift: number;
}

export function drawAppearance(rng: Rng, cfg: AppearanceConfig): AppearanceDraw {
  const gamma = rng.chance(cfg.gammaProb) ? Math.exp(rng.uniform(-1, 1) * Math.log(Math.max(1, cfg.gammaMax))) : 1;
  let noiseSigma = rng.chance(cfg.noiseProb) ? rng.uniform(0, cfg.noiseSigma) : 0;
  let blurSigma = rng.chance(cfg.blurProb) ? rng.uniform(0.5, Math.max(0.5, cfg.blurSigma)) : 0;
  if (rng.chance(cfg.lowDoseProb)) {
    // Low dose: two to three times the largest ordinary noise, softened by a sub-voxel blur.
    noiseSigma = Math.max(noiseSigma, rng.uniform(2, 3) * cfg.noiseSigma);
    blurSigma = Math.max(blurSigma, 0.6);
  }
  const contrastShift = rng.chance(cfg.contrastPhaseProb) ? rng.uniform(-cfg.contrastShift, cfg.contrastShift) : 0;
  return { gamma, noiseSigma, blurSigma, contrastShift };
}

/** 1-D Gaussian kernel of radius ⌈3σ⌉, normalised to sum 1. */
function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Separable Gaussian blur of a volume in place, edges clamped (no dark rim at the patch border). */
export function gaussianBlur3(image: Float32Array, size: Size3, sigma: number): void {
  if (sigma <= 0) return;
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const [nx, ny, nz] = size;
  const strides = [1, nx, nx * ny];
  const line = new Float32Array(Math.max(nx, ny, nz));
  for (let axis = 0; axis < 3; axis++) {
    const n = size[axis];
    if (n < 2) continue;
    const stride = strides[axis];
    const others = [0, 1, 2].filter((a) => a !== axis);
    for (let v = 0; v < size[others[1]]; v++) {
      for (let u = 0; u < size[others[0]]; u++) {
        const base = u * strides[others[0]] + v * strides[others[1]];
        for (let i = 0; i < n; i++) line[i] = image[base + i * stride];
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let j = -r; j <= r; j++) acc += k[j + r] * line[Math.min(n - 1, Math.max(0, i + j))];
          image[base + i * stride] = acc;
        }
      }
    }
  }
}

/**
 * Applies a draw in place; the noise field comes from `rng` (a field per voxel is too big to keep in a draw).
 * Order: contrast phase (an anatomical change) → gamma (scanner response) → noise
 * (acquisition) → blur (reconstruction kernel), the order in which they arise in a real scan.
 */
export function applyAppearance(image: Float32Array, label: Uint8Array, size: Size3, d: AppearanceDraw, rng: Rng): void {
  if (d.contrastShift !== 0) for (let i = 0; i < image.length; i++) if (label[i] > 0) image[i] += d.contrastShift;
  if (d.gamma !== 1) {
    for (let i = 0; i < image.length; i++) {
      const v = Math.min(1, Math.max(0, image[i]));
      image[i] = v ** d.gamma;
    }
  }
  if (d.noiseSigma > 0) for (let i = 0; i < image.length; i++) image[i] += d.noiseSigma * rng.normal();
  if (d.blurSigma > 0) gaussianBlur3(image, size, d.blurSigma);
}
