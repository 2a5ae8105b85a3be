/**
 * Evaluates a model on one case exactly as a user would run it: the full segmentVolume pipeline (coarse ROI,
 * the card's threshold and post-processing) on the case's image, then every metric of
 * engine/common/metrics per label against the reference, and pictures of the worst slices. One case at a time:
 * the image, the prediction and the reference are released before the next case starts.
 */
import { readNifti } from '../io/nifti.js';
import { compareMasks, type MaskComparison } from '../common/metrics/segmentation-metrics.js';
import { gridsEqual, spacingOf } from '../common/affine.js';
import { LobuleError } from '../errors.js';
import { labelValues } from '../models/card.js';
import type { ModelPackage } from '../models/package.js';
import { segmentVolume, type SegmentOptions } from '../inference/segment.js';
import { axialFrame, disagreementPerSlice, renderSlice, worstSlices } from './slices.js';

export interface EvaluationCaseInput {
  readonly caseId: string;
  readonly imagePath: string;
  readonly referencePath: string;
  /** The reference label version, e.g. "v3". */
  readonly referenceVersion: string;
  /** Who made the reference: manual, import or model:<id>@<version> (see the workspace manifest). */
  readonly referenceSource: string;
}

export interface LabelMetrics extends MaskComparison {
  /** Label value as a string, e.g. "1". */
  readonly label: string;
  /** Label name from the model card, e.g. "liver". */
  readonly name: string;
}

export interface SliceThumbnail {
  /** Index along the axial (world z) voxel axis. */
  readonly slice: number;
  readonly disagreementVoxels: number;
  readonly width: number;
  readonly height: number;
  /** PNG, base64. */
  readonly pngBase64: string;
}

export interface CaseEvaluation {
  readonly caseId: string;
  readonly referenceVersion: string;
  readonly referenceSource: string;
  readonly dims: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  readonly labels: readonly LabelMetrics[];
  /** Axial slices (0-based voxel index along `sliceAxis`) with the most disagreement, worst first. */
  readonly worstSlices: readonly number[];
  /** The voxel axis that runs along world z (2 for axial acquisitions). */
  readonly sliceAxis: number;
  readonly thumbnails: readonly SliceThumbnail[];
  readonly seconds: number;
}

export interface EvaluateCaseOptions extends Pick<SegmentOptions, 'device' | 'signal' | 'onProgress' | 'log'> {
  readonly nsdToleranceMm?: number;
  /** How many worst slices to picture (default 3). */
  readonly thumbnails?: number;
}

export async function evaluateCase(
  input: EvaluationCaseInput,
  pkg: ModelPackage,
  options: EvaluateCaseOptions = {},
): Promise<CaseEvaluation> {
  const t0 = performance.now();
  const image = await readNifti(input.imagePath);
  const reference = await readNifti(input.referencePath);
  if (!gridsEqual(image, reference)) {
    throw new LobuleError(
      'E_GEOMETRY',
      `case ${input.caseId}: its label ${input.referenceVersion} is not on the image's grid`,
      'Re-import the label onto this image',
    );
  }
  const ref = reference.data instanceof Uint8Array ? reference.data : Uint8Array.from(reference.data, Number);
  const { labels: prediction } = await segmentVolume(image, pkg, options);
  const spacing = spacingOf(image.affine);
  const values = labelValues(pkg.card);
  const labels = values.map((v) => ({
    label: String(v),
    name: pkg.card.labels[String(v)],
    ...compareMasks(prediction.data, ref, image.dims, spacing, { value: v, nsdToleranceMm: options.nsdToleranceMm }),
  }));
  const counts = disagreementPerSlice(prediction.data, ref, image.dims, image.affine, values);
  const worst = worstSlices(counts, options.thumbnails ?? 3);
  const thumbnails = worst.map((k) => {
    const pic = renderSlice(image.data, prediction.data, ref, image.dims, image.affine, k, values);
    return { slice: k, disagreementVoxels: counts[k], width: pic.width, height: pic.height, pngBase64: pic.png.toString('base64') };
  });
  return {
    caseId: input.caseId,
    referenceVersion: input.referenceVersion,
    referenceSource: input.referenceSource,
    dims: [image.dims[0], image.dims[1], image.dims[2]],
    spacingMm: spacing,
    labels,
    worstSlices: worst,
    sliceAxis: axialFrame(image.affine).sliceAxis,
    thumbnails,
    seconds: (performance.now() - t0) / 1000,
  };
}
