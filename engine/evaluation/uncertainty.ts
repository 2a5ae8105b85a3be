/**
 * How unsure a model is about one case, from its own voxel probabilities: the summed entropy (bits) of every
 * voxel's prediction, divided by the voxels it calls foreground. A sure model has entropy only along the
 * organ's boundary; a model that hesitates over a whole lobe, or half-sees organ where there is none, scores
 * several times higher. Cases with the highest score are the most useful to correct.
 */
export const UNCERTAINTY_MEANING =
  'Uncertainty of the active model on this case: the entropy of its voxel probabilities (bits), summed over the scan and ' +
  'divided by the voxels it calls organ. Lower is surer: the bundled liver model scores about 1 on its training scan and ' +
  'about 5 on a CT angiogram unlike anything it was trained on. Higher = more useful to correct next.';

export interface CaseUncertainty {
  /** Summed entropy (bits) per predicted foreground voxel. */
  readonly score: number;
  readonly foregroundVoxels: number;
  /** Summed entropy, bits. */
  readonly entropyBits: number;
}

const LOG2 = Math.log(2);

function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / LOG2;
}

/**
 * `channels`: activated probabilities on one grid. One channel or sigmoid: independent per-label probabilities
 * (binary entropy summed over channels, foreground where any exceeds `threshold`); softmax with channel 0 as
 * background: the distribution's entropy, foreground where background is not the most likely.
 */
export function predictionUncertainty(
  channels: readonly Float32Array[],
  activation: 'sigmoid' | 'softmax' | 'none',
  threshold: number,
): CaseUncertainty {
  const n = channels[0]?.length ?? 0;
  const categorical = channels.length > 1 && activation !== 'sigmoid';
  let entropy = 0;
  let foreground = 0;
  for (let v = 0; v < n; v++) {
    if (categorical) {
      let best = 0;
      for (let c = 0; c < channels.length; c++) {
        const p = channels[c][v];
        if (p > 0) entropy -= (p * Math.log(p)) / LOG2;
        if (p > channels[best][v]) best = c;
      }
      if (best !== 0) foreground++;
    } else {
      let fg = false;
      for (const ch of channels) {
        entropy += binaryEntropy(ch[v]);
        if (ch[v] > threshold) fg = true;
      }
      if (fg) foreground++;
    }
  }
  return { score: entropy / Math.max(1, foreground), foregroundVoxels: foreground, entropyBits: entropy };
}
