/**
 * From a CT on its own grid to the network's input: the model grid (the input's axes permuted/flipped to the
 * card's orientation, at the card's spacing), trilinear resampling onto it, then clip and scale.
 *
 * Reorientation is folded into the model grid instead of copying the full-resolution volume: resampling from
 * the original voxels onto a grid whose axes are a permutation of the input's gives the same values as
 * reorienting first (as nibabel's as_closest_canonical then resampling would) without the 150 MB copy.
 */
import type { Affine, Dims3, Volume, VoxelArray } from '../common/volume.js';
import { multiplyAffines, spacingOf } from '../common/affine.js';
import { axisOrientations } from '../common/orientation.js';
import { resampleImageToGrid } from '../common/resample.js';
import type { ModelCard } from '../models/card.js';
import { LobuleError } from '../errors.js';
import { clipAndScaleIntensity, clipAndScaleValue } from '../common/intensity.js';
import { nonZeroBox, type Box } from '../common/box.js';

export interface Grid {
  readonly dims: Dims3;
  readonly affine: Affine;
}

const POSITIVE = 'RAS';
const NEGATIVE = 'LPI';

/**
 * The grid the network runs on. Model axis a runs along the world direction of orientation[a]; its spacing is
 * spacing[a]. It spans the input's outermost voxel centres (never beyond them, so no model voxel is
 * extrapolated): size floor((n − 1)·s_in / s_model) + 1, centred on the input. When (n − 1)·s_in / s_model is an
 * integer (equal spacings, or e.g. 3 mm → 1.5 mm) the model voxels include every input voxel centre exactly.
 */
export function modelGrid(input: { dims: Dims3; affine: ArrayLike<number> }, orientation: string, spacing: readonly number[]): Grid {
  const current = axisOrientations(input.affine);
  const inSpacing = spacingOf(input.affine);
  const t = new Float64Array(16);
  t[15] = 1;
  const dims: number[] = [];
  for (let a = 0; a < 3; a++) {
    const code = orientation[a];
    const worldAxis = Math.max(POSITIVE.indexOf(code), NEGATIVE.indexOf(code));
    const sign = POSITIVE.includes(code) ? 1 : -1;
    const src = current.findIndex((o) => o.worldAxis === worldAxis);
    const n = input.dims[src];
    const ratio = spacing[a] / inSpacing[src];
    const m = Math.floor((n - 1) / ratio + 1e-6) + 1;
    const margin = (n - 1 - (m - 1) * ratio) / 2;
    const flip = current[src].sign !== sign;
    // input index along src = start + step · model index
    t[src * 4 + a] = flip ? -ratio : ratio;
    t[src * 4 + 3] = flip ? n - 1 - margin : margin;
    dims.push(m);
  }
  return { dims: [dims[0], dims[1], dims[2]], affine: multiplyAffines(input.affine, t) };
}

/** 1.5 G voxels = 6 GB of float32 per channel: beyond any laptop, so surely a spacing given in the wrong unit. */
const MAX_MODEL_VOXELS = 1.5e9;

export interface Preprocessed {
  readonly data: Float32Array;
  readonly grid: Grid;
}

/** Resamples the CT onto the model grid and applies the intensity transform. */
export function preprocess(image: Volume<VoxelArray>, card: ModelCard): Preprocessed {
  const pre = card.preprocessing;
  const grid = modelGrid(image, pre.orientation, pre.targetSpacing);
  const voxels = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (voxels > MAX_MODEL_VOXELS) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `at the model's spacing [${pre.targetSpacing.join(', ')}] mm this image would become ${grid.dims.join('×')} voxels`,
      'Check preprocessing.targetSpacing in lobule-model.json (it is in mm) or crop the image',
    );
  }
  const resampled = resampleImageToGrid(image, grid.dims, grid.affine);
  clipAndScaleIntensity(resampled.data, pre.intensity);
  return { data: resampled.data, grid };
}

/**
 * Bounding box of the body on the model grid: voxels whose scaled value lies above the scaled body threshold
 * (a threshold below the clip window means "above the window's floor"), grown by the margin. The whole grid
 * when nothing qualifies.
 */
export function bodyBox(
  data: Float32Array,
  dims: Dims3,
  pre: ModelCard['preprocessing'],
  body: { threshold: number; margin: number },
): Box {
  // float32, as the voxels it is compared with: a voxel exactly at the threshold stays outside
  const level = Math.fround(clipAndScaleValue(body.threshold, pre.intensity));
  const mask = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = data[i] > level ? 1 : 0;
  const found = nonZeroBox(mask, dims);
  if (!found) return { min: [0, 0, 0], max: [dims[0] - 1, dims[1] - 1, dims[2] - 1] };
  const min = [0, 1, 2].map((a) => Math.max(0, found.min[a] - Math.ceil(body.margin / pre.targetSpacing[a]))) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.min(dims[a] - 1, found.max[a] + Math.ceil(body.margin / pre.targetSpacing[a]))) as [
    number,
    number,
    number,
  ];
  return { min, max };
}
