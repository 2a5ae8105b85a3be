/**
 * The model card's label clean-up after decoding: keep the largest connected component of each label, fill
 * its holes in 3-D. The algorithms live in engine/common (the Segmentation panel runs the same ones); this
 * module only decides where they run — inside the labels' bounding box, so a 512×512×300 volume costs what
 * the liver costs.
 */
import type { LabelVolume } from '../common/volume.js';
import { growBox, nonZeroBox, type Box } from '../common/box.js';
import { keepLargestComponent } from '../common/connected-components.js';
import { fillHoles } from '../common/morphology.js';

export interface PostprocessOptions {
  readonly largestComponent: boolean;
  readonly fillHoles: boolean;
}

/** Applies the card's post-processing to each label value, working only inside the labels' bounding box. */
export function postprocessLabels(labels: LabelVolume, values: readonly number[], options: PostprocessOptions, box?: Box): void {
  if (!options.largestComponent && !options.fillHoles) return;
  const region = box ?? nonZeroBox(labels.data, labels.dims);
  if (!region) return;
  for (const v of values) {
    if (options.largestComponent) keepLargestComponent(labels.data, labels.dims, v, region);
    if (options.fillHoles) fillHoles(labels.data, labels.dims, v, { dimension: '3d', box: growBox(region, 1, labels.dims) });
  }
}
