/**
 * The coarse stage of a two-stage model (the study's coarse-to-fine scheme): the preprocessed volume is resized
 * to the coarse grid (e.g. 128³), the coarse model runs once on all of it, and the box of its foreground —
 * mapped back to the fine model grid and grown by the card's margin — is where the fine model runs.
 */
import type { Network } from '../onnx/network.js';
import type { Dims3 } from '../common/volume.js';
import { resizeImage, resizeScale } from '../common/resize.js';
import type { ModelCard } from '../models/card.js';
import { labelValues } from '../models/card.js';
import { slidingWindowInference } from './sliding-window.js';
import { activate, decodeInto, decoderFor } from './decode.js';
import { nonZeroBox, type Box } from '../common/box.js';

export interface CoarseResult {
  /** Region of the fine model grid to segment, or null when the coarse model found nothing. */
  readonly box: Box | null;
  readonly networkSeconds: number;
}

type CoarseCard = NonNullable<ModelCard['coarse']>;

export async function coarseRegion(
  data: Float32Array,
  dims: Dims3,
  card: ModelCard,
  coarse: CoarseCard,
  session: Network,
  signal?: AbortSignal,
): Promise<CoarseResult> {
  const size = coarse.resizeTo;
  const scale = resizeScale(dims, size);
  const small = resizeImage(data, dims, size);
  const out = await slidingWindowInference(small, size, session, { patch: size, gaussian: false, signal });
  activate(out.channels, coarse.activation);
  const decoder = decoderFor(coarse.activation, out.channels.length, coarse.threshold, labelValues(card), 'the coarse model');
  const labels = new Uint8Array(small.length);
  decodeInto(out.channels, decoder, labels);
  const found = nonZeroBox(labels, size);
  if (!found) return { box: null, networkSeconds: out.networkSeconds };
  const min = [0, 1, 2].map((a) => Math.max(0, Math.floor(found.min[a] * scale[a]) - coarse.margin)) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.min(dims[a] - 1, Math.ceil(found.max[a] * scale[a]) + coarse.margin)) as [number, number, number];
  return { box: { min, max }, networkSeconds: out.networkSeconds };
}
