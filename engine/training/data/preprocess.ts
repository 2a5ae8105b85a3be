/**
 * The model card's preprocessing applied to a training or validation case, through the inference engine's own
 * `preprocess` (same model grid, same resampling, same clip/scale, so training sees exactly what `segment` feeds
 * the network). Labels are mapped to training classes and resampled onto that grid per class (linear on each
 * class mask, ≥ 0.5 wins, as nnU-Net resamples segmentations, so a coarser spacing does not shift boundaries the
 * way nearest neighbour does).
 */
import { preprocess } from '../../inference/preprocess.js';
import type { ModelCard } from '../../models/card.js';
import { sourceFromTarget } from '../../common/resample.js';
import { resizeImage, resizeToSource } from '../../common/resize.js';
import { trilinearInto } from '../../common/trilinear.js';
import type { Affine, LabelVolume, Volume, VoxelArray } from '../../common/volume.js';
import { makeVolume } from '../../common/volume.js';
import type { Size3 } from './config.js';
import { mapLabels } from './intensity.js';
import type { CaseArrays } from './patch.js';

export interface PreprocessedCase extends CaseArrays {
  /** Affine of the preprocessed (model) grid, voxel → RAS+ mm. */
  readonly affine: Affine;
}

/** @throws RangeError when the label is not on the image's grid (the workspace guarantees it is). */
export function preprocessCase(image: Volume<VoxelArray>, label: LabelVolume, card: ModelCard, lut: Uint8Array): PreprocessedCase {
  if (label.dims.some((d, a) => d !== image.dims[a]))
    throw new RangeError(`label dims [${label.dims.join(', ')}] differ from image dims [${image.dims.join(', ')}]`);
  const pre = preprocess(image, card);
  const classes = makeVolume(mapLabels(label.data, lut), label.dims, label.affine);
  return { image: pre.data, label: resampleClasses(classes, pre.grid.dims, pre.grid.affine), dims: pre.grid.dims, affine: pre.grid.affine };
}

/** Per-class linear resampling of a label volume onto a grid; each voxel takes the class whose mask is ≥ 0.5 and largest. */
export function resampleClasses(label: LabelVolume, dims: Size3, affine: ArrayLike<number>): Uint8Array {
  return classesThrough(label.data, label.dims, dims, sourceFromTarget(label.affine, affine));
}

/** resampleClasses in index space: output voxel v reads the labels at toSource·v. */
function classesThrough(labels: Uint8Array, from: Size3, dims: Size3, toSource: ArrayLike<number>): Uint8Array {
  const n = dims[0] * dims[1] * dims[2];
  const out = new Uint8Array(n);
  const best = new Float32Array(n).fill(0.5);
  const r = new Float32Array(n);
  const mask = new Uint8Array(labels.length);
  const present = new Set<number>(labels);
  present.delete(0);
  for (const c of [...present].sort((a, b) => a - b)) {
    for (let i = 0; i < mask.length; i++) mask[i] = labels[i] === c ? 1 : 0;
    trilinearInto(mask, from, dims, toSource, r, 0);
    for (let i = 0; i < n; i++) {
      if (r[i] >= best[i]) {
        best[i] = r[i];
        out[i] = c;
      }
    }
  }
  return out;
}

/**
 * Resizes a preprocessed case onto a fixed grid (the coarse stage's `resizeTo`, e.g. 128³) with the mapping
 * inference's coarse stage uses (engine/common/resize.ts). Image trilinear, labels per class.
 */
export function resizeCase(c: CaseArrays, to: Size3): CaseArrays {
  const dims: Size3 = [to[0], to[1], to[2]];
  return { image: resizeImage(c.image, c.dims, dims), label: classesThrough(c.label, c.dims, dims, resizeToSource(c.dims, dims)), dims };
}
