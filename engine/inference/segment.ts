/**
 * Auto-segmentation of one CT with a model package:
 * preprocess (model grid, resample, clip/scale) → coarse ROI (two-stage models) → sliding window → activation →
 * labels at model resolution → interpolated probabilities decoded on the input grid → largest component / holes.
 * The result lies on exactly the input's grid. Progress is reported per stage; an AbortSignal stops the work
 * between windows and slabs.
 */
import { availableParallelism } from 'node:os';
import { access, constants, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Affine, LabelVolume, Volume, VoxelArray, Dims3 } from '../common/volume.js';
import { loadInput, saveLabels } from './io-adapter.js';
import { cropOrPad } from '../common/crop.js';
import { LobuleError, throwIfAborted } from '../errors.js';
import { labelValues } from '../models/card.js';
import type { ModelPackage } from '../models/package.js';
import type { Device, Provider } from '../onnx/session-factory.js';
import type { Network } from '../onnx/network.js';
import { openNetwork } from '../onnx/open-network.js';
import { bodyBox, preprocess, type Preprocessed } from './preprocess.js';
import { scaledFloor } from '../common/intensity.js';
import type { Box } from '../common/box.js';
import { slidingWindowInference } from './sliding-window.js';
import { coarseRegion } from './coarse.js';
import { activate, decoderFor } from './decode.js';
import { labelsOnInputGrid, labelsOnModelGrid, type ProbabilityMaps } from './to-input-grid.js';
import { postprocessLabels } from './postprocess.js';
import { countForwardFlops } from './flops.js';

export type SegmentStage = 'load' | 'model' | 'preprocess' | 'coarse' | 'infer' | 'postprocess' | 'save';

export interface SegmentProgress {
  /** 0…1 over the whole job. */
  readonly fraction: number;
  readonly stage: SegmentStage;
}

export interface SegmentOptions {
  readonly device?: Device;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SegmentProgress) => void;
  /** Windows per network call (default 1: on CPU batching does not pay). */
  readonly batch?: number;
  /** Where the one line about a GPU provider falling back to CPU goes. */
  readonly log?: (line: string) => void;
  /** Sees the activated probabilities on the (cropped) model grid before decoding (uncertainty ranking). */
  readonly onProbabilities?: (maps: ProbabilityMaps, activation: 'sigmoid' | 'softmax' | 'none') => void;
  /** Runs the networks on worker threads, so that `signal` ends a window at once (engine/onnx/open-network.ts). */
  readonly offThread?: boolean;
}

export interface SegmentTimings {
  load_s: number;
  model_s: number;
  preprocess_s: number;
  infer_s: number;
  postprocess_s: number;
  save_s: number;
  total_s: number;
  /** Seconds inside ONNX Runtime's run() alone (part of infer_s). */
  network_s: number;
}

export interface SegmentResult {
  readonly labels: LabelVolume;
  readonly timings: SegmentTimings;
  readonly provider: Provider;
  /** Floating-point work of all network calls, in GFLOP. */
  readonly networkGflop: number;
  readonly windows: number;
  /** Network passes per window: test-time mirroring × checkpoint ensemble (1 = neither); the cost of both. */
  readonly passesPerWindow: number;
}

/** Overall fraction at the start of each stage; the stages' weights follow a CPU run of a 96³ U-Net. */
const STAGE_START: Record<SegmentStage, number> = {
  load: 0,
  model: 0.03,
  preprocess: 0.05,
  coarse: 0.08,
  infer: 0.1,
  postprocess: 0.92,
  save: 0.97,
};
const STAGE_END: Record<SegmentStage, number> = {
  load: 0.03,
  model: 0.05,
  preprocess: 0.08,
  coarse: 0.1,
  infer: 0.92,
  postprocess: 0.97,
  save: 1,
};

function reporter(onProgress: SegmentOptions['onProgress']) {
  return (stage: SegmentStage, within: number) =>
    onProgress?.({ stage, fraction: STAGE_START[stage] + (STAGE_END[stage] - STAGE_START[stage]) * Math.min(1, Math.max(0, within)) });
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** FLOPs per window, cached per model (decoding a 20 MB graph for every case of an evaluation run adds up). */
const flopCache = new WeakMap<Uint8Array, Map<string, number>>();

function flopsPerWindow(bytes: Uint8Array, patch: Dims3): number {
  const perModel = flopCache.get(bytes) ?? new Map<string, number>();
  flopCache.set(bytes, perModel);
  const key = patch.join('x');
  let flops = perModel.get(key);
  if (flops === undefined) {
    flops = countForwardFlops(bytes, [1, 1, patch[2], patch[1], patch[0]]).flops;
    perModel.set(key, flops);
  }
  return flops;
}

type Sessions = { fine: Network; ensemble: Network[]; coarse?: Network; provider: Provider };

async function openSessions(pkg: ModelPackage, device: Device, options: SegmentOptions): Promise<Sessions> {
  const { log, offThread, signal } = options;
  const threads = availableParallelism();
  const open = (bytes: Uint8Array, on: Device, label: string | undefined) =>
    openNetwork(bytes, on, { log, threads, label, offThread, signal });
  const fine = await open(pkg.modelBytes, device, pkg.modelPath);
  const ensemble: Network[] = [];
  for (const file of pkg.card.testTime?.ensemble ?? []) {
    const path = join(pkg.dir, file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new LobuleError(
        'E_MODEL',
        `the model card lists ensemble member ${file}, but ${path} cannot be read`,
        'Put the file in the package folder or remove it from testTime.ensemble in lobule-model.json',
        { cause: e },
      );
    }
    ensemble.push((await open(bytes, fine.provider, path)).network);
  }
  if (!pkg.coarseModelBytes) return { fine: fine.network, ensemble, provider: fine.provider };
  const coarse = await open(pkg.coarseModelBytes, fine.provider, pkg.coarseModelPath);
  return { fine: fine.network, ensemble, coarse: coarse.network, provider: fine.provider };
}

async function closeSessions(s: Sessions): Promise<void> {
  await s.fine.release();
  for (const e of s.ensemble) await e.release();
  await s.coarse?.release();
}

type Region = { data: Float32Array; dims: Dims3; affine: Affine };

function cropTo(region: Region, box: Box | null): Region {
  if (!box) return region;
  return cropOrPad(
    region,
    box.min,
    [0, 1, 2].map((a) => box.max[a] - box.min[a] + 1),
  );
}

/** Intersection of two optional boxes (null = unrestricted); the first when they do not overlap. */
function intersect(a: Box | null, b: Box | null): Box | null {
  if (!a || !b) return a ?? b;
  const min = [0, 1, 2].map((i) => Math.max(a.min[i], b.min[i])) as [number, number, number];
  const max = [0, 1, 2].map((i) => Math.min(a.max[i], b.max[i])) as [number, number, number];
  return min.every((v, i) => v <= max[i]) ? { min, max } : a;
}

interface NetworkOutput {
  readonly maps: ProbabilityMaps;
  readonly networkSeconds: number;
  readonly gflop: number;
  readonly windows: number;
  readonly passesPerWindow: number;
}

/** Coarse ROI (two-stage packages) then the sliding window; returns raw outputs on the (cropped) model grid. */
async function runNetworks(
  pre: Preprocessed,
  pkg: ModelPackage,
  sessions: Sessions,
  options: SegmentOptions,
  progress: ReturnType<typeof reporter>,
): Promise<NetworkOutput> {
  const card = pkg.card;
  const whole: Region = { data: pre.data, dims: pre.grid.dims, affine: pre.grid.affine };
  let networkSeconds = 0;
  let gflop = 0;
  const body = card.preprocessing.cropToBody;
  let box: Box | null = body ? bodyBox(whole.data, whole.dims, card.preprocessing, body) : null;
  if (card.coarse && sessions.coarse && pkg.coarseModelBytes) {
    progress('coarse', 0);
    // The coarse model sees the whole volume, as in training; its ROI is then intersected with the body box.
    const roi = await coarseRegion(whole.data, whole.dims, card, card.coarse, sessions.coarse, options.signal);
    networkSeconds += roi.networkSeconds;
    gflop += (roi.windows * flopsPerWindow(pkg.coarseModelBytes, roi.patch)) / 1e9;
    box = intersect(box, roi.box);
  }
  const region = cropTo(whole, box);
  const patch = card.preprocessing.patchSize;
  progress('infer', 0);
  const sw = await slidingWindowInference(region.data, region.dims, sessions.fine, {
    patch,
    overlap: card.preprocessing.overlap,
    gaussian: card.preprocessing.gaussian,
    batch: options.batch,
    padValue: scaledFloor(card.preprocessing.intensity),
    signal: options.signal,
    onProgress: (done, total) => progress('infer', done / total),
    mirror: card.testTime?.mirror,
    ensemble: sessions.ensemble,
  });
  return {
    maps: { channels: sw.channels, dims: region.dims, affine: region.affine },
    networkSeconds: networkSeconds + sw.networkSeconds,
    gflop: gflop + (sw.windows * sw.passesPerWindow * flopsPerWindow(pkg.modelBytes, patch)) / 1e9,
    windows: sw.windows,
    passesPerWindow: sw.passesPerWindow,
  };
}

export async function segmentVolume(image: Volume<VoxelArray>, pkg: ModelPackage, options: SegmentOptions = {}): Promise<SegmentResult> {
  const { signal } = options;
  const progress = reporter(options.onProgress);
  const card = pkg.card;
  const tStart = performance.now();
  let t = performance.now();
  progress('model', 0);
  let sessions = await openSessions(pkg, options.device ?? 'auto', options);
  const model_s = seconds(t);
  try {
    throwIfAborted(signal, 'segmentation');
    t = performance.now();
    progress('preprocess', 0);
    const pre = preprocess(image, card);
    const preprocess_s = seconds(t);

    t = performance.now();
    let net: NetworkOutput;
    try {
      net = await runNetworks(pre, pkg, sessions, options, progress);
    } catch (e) {
      // A GPU that runs out of memory mid-run should not cost the user the result: with `auto`, retry on CPU.
      if (sessions.provider === 'cpu' || (options.device ?? 'auto') !== 'auto' || (e instanceof LobuleError && e.code === 'E_CANCELLED'))
        throw e;
      (options.log ?? console.error)(
        `lobule: ${sessions.provider} failed during inference (${(e as Error).message.split('\n')[0]}); retrying on CPU`,
      );
      await closeSessions(sessions);
      sessions = await openSessions(pkg, 'cpu', options);
      net = await runNetworks(pre, pkg, sessions, options, progress);
    }
    const infer_s = seconds(t);

    t = performance.now();
    progress('postprocess', 0);
    const { maps } = net;
    activate(maps.channels, card.output.activation);
    options.onProbabilities?.(maps, card.output.activation);
    const decoder = decoderFor(card.output.activation, maps.channels.length, card.output.threshold, labelValues(card));
    const modelLabels = labelsOnModelGrid(maps, decoder);
    const back = labelsOnInputGrid(maps, modelLabels, decoder, { dims: image.dims, affine: image.affine }, signal, (f) =>
      progress('postprocess', 0.7 * f),
    );
    throwIfAborted(signal, 'segmentation');
    if (back.box) postprocessLabels(back.labels, labelValues(card), card.postprocessing);
    progress('postprocess', 1);
    const postprocess_s = seconds(t);
    return {
      labels: back.labels,
      timings: {
        load_s: 0,
        model_s,
        preprocess_s,
        infer_s,
        postprocess_s,
        save_s: 0,
        total_s: seconds(tStart),
        network_s: net.networkSeconds,
      },
      provider: sessions.provider,
      networkGflop: net.gflop,
      windows: net.windows,
      passesPerWindow: net.passesPerWindow,
    };
  } finally {
    await closeSessions(sessions);
  }
}

export interface SegmentFileOptions extends SegmentOptions {
  readonly model: ModelPackage;
  /** Reads the input onto Lobule's volume type (default: NIfTI file or DICOM folder via engine/io). */
  readonly load?: (path: string) => Promise<Volume<VoxelArray>>;
  /** Writes the labels atomically (default: NIfTI, gzip when the name ends in .gz). */
  readonly save?: (path: string, labels: LabelVolume) => Promise<void>;
}

/** Fails before any work when the output cannot be written, or would overwrite the input image. */
async function checkOutput(inPath: string, outPath: string): Promise<void> {
  if (resolve(inPath) === resolve(outPath)) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `the output ${outPath} is the input image`,
      'Choose another output file; Lobule never overwrites the CT',
    );
  }
  try {
    await access(dirname(resolve(outPath)), constants.W_OK);
  } catch {
    throw new LobuleError(
      'E_NOT_FOUND',
      `cannot write ${outPath}: folder ${dirname(resolve(outPath))} does not exist or is not writable`,
      'Create the folder or choose another output path',
    );
  }
}

/**
 * Segments a file into a label file on exactly its grid. The label file is written atomically at the end, so a
 * cancelled or failed run leaves no output file (and an existing file at that path untouched).
 */
export async function segmentFile(inPath: string, outPath: string, options: SegmentFileOptions): Promise<SegmentResult> {
  const progress = reporter(options.onProgress);
  const tStart = performance.now();
  await checkOutput(inPath, outPath);
  progress('load', 0);
  let t = performance.now();
  const image = await (options.load ?? loadInput)(inPath);
  const load_s = seconds(t);
  throwIfAborted(options.signal, 'segmentation');
  const result = await segmentVolume(image, options.model, options);
  throwIfAborted(options.signal, 'segmentation');
  t = performance.now();
  progress('save', 0);
  await (options.save ?? saveLabels)(outPath, result.labels);
  progress('save', 1);
  const save_s = seconds(t);
  return { ...result, timings: { ...result.timings, load_s, save_s, total_s: seconds(tStart) } };
}
