/**
 * The model's probabilities on the input grid, kept after auto-segment so the Segment editor's local AI correction
 * can re-threshold the model's answer around a click without running the network again. They are the very maps
 * the labels were decoded from (the activated network output of the same run), interpolated onto the input grid
 * by the one trilinear interpolator as labels are, and stored as uint8 (p × 255, rounded) only inside the box where
 * some channel reaches 1/255: a liver's box, not a 512×512×300 float volume per class.
 */
import type { Affine, Dims3 } from '../common/volume.js';
import { multiplyAffines } from '../common/affine.js';
import { resampleImageToGrid } from '../common/resample.js';
import { boundsWhere, growBox, type Box } from '../common/box.js';
import { throwIfAborted } from '../errors.js';
import { decoderFor, type Activation, type Decoder } from './decode.js';
import { labelValues, type ModelCard } from '../models/card.js';
import { targetBoxOf, type ProbabilityMaps } from './to-input-grid.js';

/** Quantisation of the stored maps: byte = round(p × PROBABILITY_SCALE). */
export const PROBABILITY_SCALE = 255;

export interface ProbabilityMapOnGrid {
  /** Where the maps lie on the input grid (inclusive); outside it every probability is below 1/255. */
  readonly box: Box;
  /** Label value of each stored map, in map order. */
  readonly values: readonly number[];
  /** values.length maps of the box's voxels (i fastest), one after the other; byte = round(p × 255). */
  readonly data: Uint8Array;
  /** The model card's decision threshold (as a probability), where the maps reproduce the model's labels. */
  readonly threshold: number;
}

const SLAB_VOXELS = 1 << 22;

/**
 * Interpolates the foreground maps of `maps` (activated) onto `target` and quantises them; null when no model
 * voxel reaches 1/255. With the 'argmax' rule channel 0 is background and is not kept.
 */
export function probabilitiesOnInputGrid(
  maps: ProbabilityMaps,
  decoder: Decoder,
  target: { dims: Dims3; affine: Affine },
  signal?: AbortSignal,
): ProbabilityMapOnGrid | null {
  const first = decoder.rule === 'argmax' ? 1 : 0;
  const channels = maps.channels.slice(first);
  const floor = 0.5 / PROBABILITY_SCALE;
  const seen = new Uint8Array(maps.channels[0].length);
  for (const ch of channels) for (let p = 0; p < ch.length; p++) if (ch[p] >= floor) seen[p] = 1;
  const found = boundsWhere(seen, maps.dims, (v) => v !== 0);
  const box = found ? targetBoxOf(growBox(found, 1, maps.dims), maps.affine, target) : null;
  if (!box) return null;
  const [bx, by, bz] = [0, 1, 2].map((a) => box.max[a] - box.min[a] + 1);
  const perMap = bx * by * bz;
  const data = new Uint8Array(perMap * channels.length);
  const depth = Math.max(1, Math.floor(SLAB_VOXELS / (bx * by)));
  for (let z0 = box.min[2]; z0 <= box.max[2]; z0 += depth) {
    throwIfAborted(signal, 'segmentation');
    const d = Math.min(depth, box.max[2] - z0 + 1);
    const affine = multiplyAffines(target.affine, Float64Array.from([1, 0, 0, box.min[0], 0, 1, 0, box.min[1], 0, 0, 1, z0, 0, 0, 0, 1]));
    channels.forEach((ch, c) => {
      const slab = resampleImageToGrid({ data: ch, dims: maps.dims, affine: maps.affine }, [bx, by, d], affine).data;
      const offset = c * perMap + bx * by * (z0 - box.min[2]);
      for (let q = 0; q < slab.length; q++) data[offset + q] = Math.round(Math.min(1, Math.max(0, slab[q])) * PROBABILITY_SCALE);
    });
  }
  return { box, values: [...decoder.values], data, threshold: decoder.threshold };
}

/**
 * Collects the run's maps through segmentVolume's `onProbabilities` hook and puts them on the input grid: the
 * probabilities stored are the ones the labels of the same run were decoded from.
 */
export function captureProbabilities(
  card: ModelCard,
  target: { dims: Dims3; affine: Affine },
  signal?: AbortSignal,
): { onProbabilities: (maps: ProbabilityMaps, activation: Activation) => void; readonly result: ProbabilityMapOnGrid | null } {
  let result: ProbabilityMapOnGrid | null = null;
  return {
    onProbabilities: (maps, activation) => {
      const decoder = decoderFor(activation, maps.channels.length, card.output.threshold, labelValues(card));
      result = probabilitiesOnInputGrid(maps, decoder, target, signal);
    },
    get result() {
      return result;
    },
  };
}
