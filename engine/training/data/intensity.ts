/**
 * Training's random intensity augmentation (MONAI's RandScale/ShiftIntensity) and the label lookup: each a small
 * spec plus a pure function, the draw taken from an injected `Rng`. The card's clip-and-scale window is
 * engine/common/intensity.ts.
 */
import type { Rng } from '../../common/rng.js';

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
export function applyIntensityDraw(image: Float32Array, d: IntensityDraw): void {
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
