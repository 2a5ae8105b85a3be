/**
 * The 'segment' job, inside its job process: reads the case image, runs the model through
 * engine/inference/segment.ts, and hands the labelmap back to the host (which saves it as a draft version).
 * It writes nothing itself, so a cancel or crash leaves no file behind.
 */
import { LobuleError } from '../../engine/errors.js';
import type { SegmentParams } from '../../engine/api/contract.js';
import type { LabelVolume, Volume } from '../../engine/common/volume.js';
import { loadModelPackage, resolveModel, type ModelPackage } from '../../engine/models/package.js';
import { readNifti } from '../../engine/io/nifti.js';
import { segmentVolume, type SegmentOptions, type SegmentProgress } from '../../engine/inference/segment.js';
import { captureProbabilities, type ProbabilityMapOnGrid } from '../../engine/inference/probability-map.js';
import type { Device } from '../../engine/onnx/session-factory.js';
import type { JobContext, JobIO } from './protocol.js';

/** What segment returns to the host (structured clone: the labelmap stays a Uint8Array). */
export interface SegmentJobValue {
  readonly caseId: string;
  readonly labels: Uint8Array;
  readonly dims: readonly [number, number, number];
  readonly affine: readonly number[];
  readonly modelName: string;
  readonly modelVersion: string;
  /** The package folder that ran (its name is the model id). */
  readonly modelDir: string;
  /** The run's probabilities on the case grid (null: the model found nothing). */
  readonly probabilities: ProbabilityMapOnGrid | null;
}

export function progressAdapter(io: JobIO, from: number, to: number): (p: SegmentProgress) => void {
  return (p) => io.progress(from + (to - from) * Math.min(1, Math.max(0, p.fraction)), p.stage);
}

export async function loadModelFor(context: JobContext, modelId: string | undefined): Promise<ModelPackage> {
  return context.modelDir ? loadModelPackage(context.modelDir) : resolveModel(modelId, context.modelSearchDirs);
}

/** Segments one image volume, reporting progress mapped into [from, to]. */
export async function segmentImage(
  image: Volume,
  pkg: ModelPackage,
  device: string | undefined,
  io: JobIO,
  from: number,
  to: number,
  onProbabilities?: SegmentOptions['onProbabilities'],
): Promise<LabelVolume> {
  const out = await segmentVolume(image, pkg, {
    device: (device ?? 'auto') as Device,
    signal: io.signal,
    onProgress: progressAdapter(io, from, to),
    log: io.log,
    onProbabilities,
    // onnxruntime-node's run holds the JS thread for a whole window: on a worker, Cancel ends the job mid-window.
    offThread: true,
  });
  io.log(`segmented on ${out.provider}: ${out.windows} windows, ${out.timings.total_s.toFixed(1)} s`);
  return out.labels;
}

export async function readImageFor(context: JobContext, caseId: string): Promise<Volume> {
  const path = context.images[caseId];
  if (!path) throw new LobuleError('E_NOT_FOUND', `no image for case ${caseId}`);
  return readNifti(path);
}

export async function run(raw: unknown, context: JobContext, io: JobIO): Promise<SegmentJobValue> {
  const params = raw as SegmentParams;
  io.progress(0, 'load');
  const pkg = await loadModelFor(context, params.modelId);
  const image = await readImageFor(context, params.caseId);
  if (io.signal.aborted) throw new LobuleError('E_CANCELLED', `segmentation of ${params.caseId} was cancelled`);
  // The maps the labels are decoded from, kept for the Segment editor's local AI correction.
  const probabilities = captureProbabilities(pkg.card, { dims: image.dims, affine: image.affine }, io.signal);
  const labels = await segmentImage(image, pkg, params.device, io, 0.05, 0.98, probabilities.onProbabilities);
  return {
    caseId: params.caseId,
    labels: labels.data,
    dims: [labels.dims[0], labels.dims[1], labels.dims[2]],
    affine: Array.from(labels.affine),
    modelName: pkg.card.name,
    modelVersion: pkg.card.version,
    modelDir: pkg.dir,
    probabilities: probabilities.result,
  };
}
