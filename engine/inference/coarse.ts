/**
 * The coarse stage of a two-stage model (the study's coarse-to-fine scheme): the preprocessed volume is resized
 * to the coarse grid (a fixed grid such as 128³, or the volume's extent at the card's coarse spacing), the coarse
 * model runs on it (one window, or a sliding window), and the box of its largest foreground component — mapped
 * back to the fine model grid and grown by the card's margin — is where the fine model runs.
 */
import type { Network } from '../onnx/network.js';
import type { Dims3 } from '../common/volume.js';
import { gridAtSpacing, resizeImage, resizeScale } from '../common/resize.js';
import type { ModelCard } from '../models/card.js';
import { labelValues } from '../models/card.js';
import { slidingWindowInference } from './sliding-window.js';
import { activate, decodeInto, decoderFor } from './decode.js';
import { nonZeroBox, type Box } from '../common/box.js';
import { keepLargestComponent } from '../common/connected-components.js';
import { scaledFloor } from '../common/intensity.js';

export interface CoarseResult {
  /** Region of the fine model grid to segment, or null when the coarse model found nothing. */
  readonly box: Box | null;
  readonly networkSeconds: number;
  /** Windows the coarse model ran (for the FLOP count). */
  readonly windows: number;
  /** The coarse window, voxels [x, y, z]. */
  readonly patch: Dims3;
}

type CoarseCard = NonNullable<ModelCard['coarse']>;

/** The coarse grid for a fine model grid of `dims`. */
export function coarseGrid(dims: Dims3, card: ModelCard, coarse: CoarseCard): Dims3 {
  if (coarse.resizeTo) return coarse.resizeTo;
  return gridAtSpacing(dims, card.preprocessing.targetSpacing, coarse.spacing as readonly number[]);
}

export async function coarseRegion(
  data: Float32Array,
  dims: Dims3,
  card: ModelCard,
  coarse: CoarseCard,
  session: Network,
  signal?: AbortSignal,
): Promise<CoarseResult> {
  const size = coarseGrid(dims, card, coarse);
  const scale = resizeScale(dims, size);
  const small = resizeImage(data, dims, size);
  const patch = coarse.patch ?? size;
  const windowed = coarse.patch !== undefined;
  const out = await slidingWindowInference(small, size, session, {
    patch,
    gaussian: windowed,
    overlap: windowed ? (coarse.overlap ?? card.preprocessing.overlap) : 0,
    padValue: scaledFloor(card.preprocessing.intensity),
    signal,
  });
  activate(out.channels, coarse.activation);
  const decoder = decoderFor(coarse.activation, out.channels.length, coarse.threshold, labelValues(card), 'the coarse model');
  const labels = new Uint8Array(small.length);
  decodeInto(out.channels, decoder, labels);
  if (coarse.largestComponent) {
    // Any foreground value counts as the organ here: the ROI is one box around all of it.
    for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) labels[i] = 1;
    keepLargestComponent(labels, size, 1);
  }
  const found = nonZeroBox(labels, size);
  const result = { networkSeconds: out.networkSeconds, windows: out.windows, patch };
  if (!found) return { box: null, ...result };
  const min = [0, 1, 2].map((a) => Math.max(0, Math.floor(found.min[a] * scale[a]) - coarse.margin)) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.min(dims[a] - 1, Math.ceil(found.max[a] * scale[a]) + coarse.margin)) as [number, number, number];
  return { box: { min, max }, ...result };
}
