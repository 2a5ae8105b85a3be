/**
 * Intensity transforms (MONAI's ScaleIntensityRange and RandScale/ShiftIntensity): each a small spec plus a
 * pure function; the random ones take their draw from an injected `Rng`.
 */
import type { VoxelArray } from '../../volume/volume.js';
import type { Rng } from './rng.js';

/**
 * Maps [a, b] linearly onto [0, 1] and clips outside: `clamp((v - a) / (b - a), 0, 1)`.
 * Example: clip [-300, 300]: -1000 → 0, 0 → 0.5, 150 → 0.75, 900 → 1.
 * @throws RangeError when b ≤ a (the window would be empty or inverted).
 */
export function clipScale(data: VoxelArray, clip: readonly [number, number]): Float32Array {
  const [a, b] = clip;
  if (!(b > a)) throw new RangeError(`intensity window [${a}, ${b}] is empty; the upper bound must exceed the lower`);
  const out = new Float32Array(data.length);
  const inv = 1 / (b - a);
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] - a) * inv;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

export interface IntensityDraw {
  readonly scale: number;
  readonly shift: number;
}

/** Draws v ↦ v·(1 + s) + t with s, t uniform in ±maxScale, ±maxShift, each applied with its probability. */
export function drawIntensity(
  rng: Rng,
  cfg: { intensityScaleProb: number; intensityScale: number; intensityShiftProb: number; intensityShift: number },
): IntensityDraw {
  const scale = rng.chance(cfg.intensityScaleProb) ? rng.uniform(-cfg.intensityScale, cfg.intensityScale) : 0;
  const shift = rng.chance(cfg.intensityShiftProb) ? rng.uniform(-cfg.intensityShift, cfg.intensityShift) : 0;
  return { scale, shift };
}

/** Applies an intensity draw in place. Padding voxels are shifted too: the network sees one consistent mapping. */
export function applyIntensity(image: Float32Array, d: IntensityDraw): void {
  if (d.scale === 0 && d.shift === 0) return;
  const m = 1 + d.scale;
  for (let i = 0; i < image.length; i++) image[i] = image[i] * m + d.shift;
}

/** Maps label values through a 256-entry lookup table (e.g. 2→1, 5→1, everything else → 0). */
export function mapLabels(label: Uint8Array, lut: Uint8Array): Uint8Array {
  const out = new Uint8Array(label.length);
  for (let i = 0; i < label.length; i++) out[i] = lut[label[i]];
  return out;
}
