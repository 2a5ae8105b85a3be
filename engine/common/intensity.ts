/**
 * The intensity window of a model card: clip CT values to the HU window, then scale (to [0, 1] or by mean/std).
 * Shared so inference, training and anything that shows the network's view apply exactly one mapping.
 */

/** The card's `preprocessing.intensity` (engine/models/card.ts validates it; this is its shape). */
export interface IntensityWindow {
  /** HU window [low, high], low < high. */
  readonly clip: readonly [number, number];
  /** minmax01: (clip(x) − low) / (high − low); zscore: (clip(x) − mean) / std. */
  readonly scale: 'minmax01' | 'zscore';
  readonly mean?: number;
  readonly std?: number;
}

function offsetAndFactor(w: IntensityWindow): [number, number] {
  if (w.scale === 'minmax01') return [w.clip[0], 1 / (w.clip[1] - w.clip[0])];
  return [w.mean ?? 0, 1 / (w.std ?? 1)];
}

/** Clips to the HU window and scales, in place. */
export function clipAndScaleIntensity(data: Float32Array, w: IntensityWindow): void {
  const [lo, hi] = w.clip;
  const [offset, factor] = offsetAndFactor(w);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    data[i] = ((v < lo ? lo : v > hi ? hi : v) - offset) * factor;
  }
}

/** The value one HU value takes after clip and scale. */
export function clipAndScaleValue(hu: number, w: IntensityWindow): number {
  const [offset, factor] = offsetAndFactor(w);
  return (Math.min(Math.max(hu, w.clip[0]), w.clip[1]) - offset) * factor;
}

/** The value that clipped-and-scaled air takes, used to pad windows beyond the volume. */
export function scaledFloor(w: IntensityWindow): number {
  return clipAndScaleValue(w.clip[0], w);
}
