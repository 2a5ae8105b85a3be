/**
 * From network outputs to labels: the card's activation, then thresholding (one channel per label) or argmax
 * (channel 0 = background), always into uint8 — never one float volume per class at full resolution.
 */
import { LobuleError } from '../errors.js';

export type Activation = 'sigmoid' | 'softmax' | 'none';

/** How probabilities become labels: 'threshold' when channel c is label values[c], 'argmax' when channel 0 is background. */
export interface Decoder {
  readonly rule: 'threshold' | 'argmax';
  readonly threshold: number;
  /** Label value of each foreground channel. */
  readonly values: readonly number[];
}

export function decoderFor(
  activation: Activation,
  channels: number,
  threshold: number,
  values: readonly number[],
  what = 'the model',
): Decoder {
  const rule =
    activation === 'sigmoid' ? 'threshold' : activation === 'softmax' ? 'argmax' : channels === values.length ? 'threshold' : 'argmax';
  const expected = rule === 'threshold' ? values.length : values.length + 1;
  if (channels !== expected) {
    throw new LobuleError(
      'E_MODEL',
      `${what} returns ${channels} channel(s) but its card names ${values.length} label(s) with activation "${activation}"`,
      rule === 'threshold'
        ? `A sigmoid model needs one output channel per label (${values.length})`
        : `A softmax model needs background plus one channel per label (${values.length + 1})`,
    );
  }
  return { rule, threshold, values };
}

/** Applies the activation to logits in place, turning them into probabilities. */
export function activate(channels: Float32Array[], activation: Activation): void {
  if (activation === 'sigmoid') {
    for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i] = 1 / (1 + Math.exp(-ch[i]));
  } else if (activation === 'softmax') {
    const n = channels[0].length;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (const ch of channels) if (ch[i] > max) max = ch[i];
      let sum = 0;
      for (const ch of channels) sum += ch[i] = Math.exp(ch[i] - max);
      for (const ch of channels) ch[i] /= sum;
    }
  }
}

/** Writes labels for voxels [0, n) of the given probability channels into `out` (offset `outOffset`, row stride 1). */
export function decodeInto(channels: readonly Float32Array[], decoder: Decoder, out: Uint8Array, outOffset = 0): void {
  const n = channels[0].length;
  const { values, threshold } = decoder;
  if (decoder.rule === 'threshold' && channels.length === 1) {
    const p = channels[0];
    const v = values[0];
    for (let i = 0; i < n; i++) out[outOffset + i] = p[i] > threshold ? v : 0;
    return;
  }
  for (let i = 0; i < n; i++) {
    let best = decoder.rule === 'threshold' ? threshold : channels[0][i];
    let label = 0;
    for (let c = decoder.rule === 'threshold' ? 0 : 1; c < channels.length; c++) {
      const p = channels[c][i];
      if (p > best) {
        best = p;
        label = values[decoder.rule === 'threshold' ? c : c - 1];
      }
    }
    out[outOffset + i] = label;
  }
}
