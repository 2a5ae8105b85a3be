/**
 * Sliding-window inference with Gaussian importance blending (the scheme of MONAI's sliding_window_inference and
 * nnU-Net's predictor): windows of the patch size tile the volume with the given overlap, each window's output is
 * weighted by a Gaussian centred on the window (sigma = patch/8) and the weighted sum is divided by the summed
 * weights. Hand-written because neither library exists for JavaScript; ONNX Runtime does the network.
 *
 * Layout: `input` is a single-channel volume, x fastest, dims [nx, ny, nz]; the network sees [N, 1, pz, py, px].
 */
import * as ort from '../onnx/ort.js';
import type { Network } from '../onnx/network.js';
import { LobuleError, throwIfAborted } from '../errors.js';

export type Dims = readonly [number, number, number];

export interface SlidingWindowOptions {
  /** Window size [px, py, pz] (x fastest). */
  readonly patch: Dims;
  /** Fraction of a window that neighbours share, 0 ≤ overlap < 1 (default 0.25). */
  readonly overlap?: number;
  /** Gaussian importance weights (default true); otherwise every voxel of a window weighs 1. */
  readonly gaussian?: boolean;
  /** Windows per network call (default 1); needs a model whose batch dimension is not fixed to 1. */
  readonly batch?: number;
  /** Value that pads windows reaching past a volume smaller than the patch (default 0). */
  readonly padValue?: number;
  readonly signal?: AbortSignal;
  /** Called after each network call with windows done / total. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Test-time mirroring: axis sets (0 = x, 1 = y, 2 = z) along which each window is also run flipped; the
   * flipped outputs are flipped back and averaged with the plain one (nnU-Net's mirroring).
   */
  readonly mirror?: readonly (readonly number[])[];
  /** Further networks (checkpoint ensemble) run on every window and averaged with `session`. */
  readonly ensemble?: readonly Network[];
}

export interface SlidingWindowResult {
  /** One array per output channel, blended raw network outputs (logits for most models), on the input grid. */
  readonly channels: Float32Array[];
  readonly dims: Dims;
  readonly windows: number;
  /** Seconds spent inside session.run (the network alone). */
  readonly networkSeconds: number;
  /** Network passes per window: (1 + mirror sets) × (1 + ensemble members). */
  readonly passesPerWindow: number;
}

/** Window start offsets along one axis: evenly spread so that the first starts at 0 and the last ends at n. */
export function windowStarts(n: number, patch: number, overlap: number): number[] {
  if (n <= patch) return [0];
  const step = Math.max(1, Math.round(patch * (1 - overlap)));
  const count = Math.ceil((n - patch) / step) + 1;
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - patch)) / (count - 1)));
}

/** Separable Gaussian importance map of a patch (max 1), with zeros lifted to the smallest non-zero weight. */
export function gaussianImportance(patch: Dims, sigmaScale = 0.125): Float32Array {
  const axes = patch.map((p) => {
    const sigma = p * sigmaScale;
    const c = (p - 1) / 2;
    return Float64Array.from({ length: p }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  });
  const [px, py, pz] = patch;
  const out = new Float32Array(px * py * pz);
  let min = Infinity;
  let o = 0;
  for (let z = 0; z < pz; z++)
    for (let y = 0; y < py; y++)
      for (let x = 0; x < px; x++, o++) {
        const v = axes[0][x] * axes[1][y] * axes[2][z];
        out[o] = v;
        if (v > 0 && v < min) min = v;
      }
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = min;
  return out;
}

/** Flips one patch-sized block of `data` (x fastest) in place along each axis in `axes`; its own inverse. */
export function flipPatchInPlace(data: Float32Array, offset: number, patch: Dims, axes: readonly number[]): void {
  const [px, py, pz] = patch;
  for (const axis of axes) {
    const n = patch[axis];
    const stride = axis === 0 ? 1 : axis === 1 ? px : px * py;
    const lines = (px * py * pz) / n;
    for (let l = 0; l < lines; l++) {
      // Start of the l-th line along `axis`: enumerate the other two axes.
      let base: number;
      if (axis === 0) base = l * px;
      else if (axis === 1) base = (l % px) + Math.floor(l / px) * px * py;
      else base = l;
      for (let i = 0, j = n - 1; i < j; i++, j--) {
        const a = offset + base + i * stride;
        const b = offset + base + j * stride;
        const t = data[a];
        data[a] = data[b];
        data[b] = t;
      }
    }
  }
}

interface Window {
  readonly start: [number, number, number];
}

function copyWindowIn(input: Float32Array, dims: Dims, w: Window, patch: Dims, dst: Float32Array, dstOffset: number, pad: number): void {
  const [nx, ny, nz] = dims;
  const [px, py, pz] = patch;
  const [sx, sy, sz] = w.start;
  const cx = Math.min(px, nx - sx);
  const partial = cx < px || ny - sy < py || nz - sz < pz;
  if (partial) dst.fill(pad, dstOffset, dstOffset + px * py * pz);
  for (let z = 0; z < Math.min(pz, nz - sz); z++) {
    for (let y = 0; y < Math.min(py, ny - sy); y++) {
      const src = sx + nx * (sy + y + ny * (sz + z));
      dst.set(input.subarray(src, src + cx), dstOffset + px * (y + py * z));
    }
  }
}

function accumulate(
  out: Float32Array,
  weightSum: Float32Array | null,
  dims: Dims,
  w: Window,
  patch: Dims,
  src: Float32Array,
  srcOffset: number,
  importance: Float32Array,
): void {
  const [nx, ny, nz] = dims;
  const [px, py, pz] = patch;
  const [sx, sy, sz] = w.start;
  const cx = Math.min(px, nx - sx);
  for (let z = 0; z < Math.min(pz, nz - sz); z++) {
    for (let y = 0; y < Math.min(py, ny - sy); y++) {
      const d = sx + nx * (sy + y + ny * (sz + z));
      const p = px * (y + py * z);
      const s = srcOffset + p;
      for (let x = 0; x < cx; x++) out[d + x] += importance[p + x] * src[s + x];
      if (weightSum) for (let x = 0; x < cx; x++) weightSum[d + x] += importance[p + x];
    }
  }
}

function enumerateWindows(dims: Dims, patch: Dims, overlap: number): Window[] {
  const [xs, ys, zs] = [0, 1, 2].map((a) => windowStarts(dims[a], patch[a], overlap));
  const out: Window[] = [];
  for (const z of zs) for (const y of ys) for (const x of xs) out.push({ start: [x, y, z] });
  return out;
}

/**
 * Fixed batch size of a model's first input, or undefined when it is dynamic. A model exported with fixed
 * spatial sizes must be run with exactly that window; saying so beats ONNX Runtime's shape error.
 */
function fixedBatch(session: Network, patch: Dims): number | undefined {
  const meta = session.inputMetadata?.[0];
  if (!meta || !meta.isTensor) return undefined;
  const want = [patch[2], patch[1], patch[0]];
  const fixed = meta.shape.slice(2).map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  if (fixed.some((d, a) => d !== undefined && d !== want[a])) {
    throw new LobuleError(
      'E_MODEL',
      `the model's input is fixed to [${meta.shape.join(', ')}] but the window is [N, 1, ${want.join(', ')}]`,
      "Set preprocessing.patchSize in lobule-model.json to the model's input size ([x, y, z] = the last three dimensions reversed)",
    );
  }
  return typeof meta.shape[0] === 'number' && meta.shape[0] > 0 ? meta.shape[0] : undefined;
}

async function runWindow(session: Network, inputName: string, feed: ort.Tensor): Promise<Readonly<Record<string, ort.Tensor>>> {
  try {
    return await session.run({ [inputName]: feed });
  } catch (e) {
    if (e instanceof LobuleError && e.code === 'E_CANCELLED') throw e; // a Stop during an off-thread run, not a model fault
    const message = (e as Error).message.split('\n')[0];
    throw new LobuleError(
      'E_MODEL',
      `the model failed on a window of [${feed.dims.join(', ')}]: ${message}`,
      'Check preprocessing.patchSize in lobule-model.json (U-Nets need sizes divisible by 2 per pooling level, e.g. 16)',
      { cause: e },
    );
  }
}

export async function slidingWindowInference(
  input: Float32Array,
  dims: Dims,
  session: Network,
  options: SlidingWindowOptions,
): Promise<SlidingWindowResult> {
  const { patch, signal, onProgress } = options;
  const overlap = options.overlap ?? 0.25;
  const n = dims[0] * dims[1] * dims[2];
  if (input.length !== n) throw new RangeError(`sliding window: input has ${input.length} voxels, dims need ${n}`);
  const fixed = fixedBatch(session, patch);
  const batch = fixed ?? Math.max(1, Math.floor(options.batch ?? 1));
  const patchVoxels = patch[0] * patch[1] * patch[2];
  const importance = options.gaussian === false ? new Float32Array(patchVoxels).fill(1) : gaussianImportance(patch);
  const windows = enumerateWindows(dims, patch, overlap);
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const weightSum = new Float32Array(n);
  let channels: Float32Array[] = [];
  let networkSeconds = 0;
  const buffer = new Float32Array(batch * patchVoxels);
  const mirrors: readonly (readonly number[])[] = [[], ...(options.mirror ?? [])];
  const networks = [session, ...(options.ensemble ?? [])];
  for (let first = 0; first < windows.length; first += batch) {
    throwIfAborted(signal, 'segmentation');
    const group = windows.slice(first, first + batch);
    for (const axes of mirrors) {
      group.forEach((w, b) => copyWindowIn(input, dims, w, patch, buffer, b * patchVoxels, options.padValue ?? 0));
      if (group.length < batch) buffer.fill(options.padValue ?? 0, group.length * patchVoxels);
      if (axes.length > 0) group.forEach((_, b) => flipPatchInPlace(buffer, b * patchVoxels, patch, axes));
      for (const net of networks) {
        const feed = new ort.Tensor('float32', buffer, [batch, 1, patch[2], patch[1], patch[0]]);
        const t0 = performance.now();
        const result = await runWindow(net, inputName, feed);
        networkSeconds += (performance.now() - t0) / 1000;
        const out = result[outputName];
        const data = out.data as Float32Array;
        const c = out.dims.length === 5 ? out.dims[1] : 0;
        if (c === 0 || out.dims[2] !== patch[2] || out.dims[3] !== patch[1] || out.dims[4] !== patch[0]) {
          throw new LobuleError(
            'E_MODEL',
            `the model returned a tensor of shape [${out.dims.join(', ')}] for a window of [${batch}, ` +
              `1, ${patch[2]}, ${patch[1]}, ${patch[0]}]`,
            'A segmentation model must return per-class maps [N, C, D, H, W] of its input size',
          );
        }
        if (channels.length === 0) channels = Array.from({ length: c }, () => new Float32Array(n));
        if (c !== channels.length)
          throw new LobuleError(
            'E_MODEL',
            `the ensemble's networks return ${channels.length} and ${c} channels`,
            'Every network of an ensemble must be the same network',
          );
        group.forEach((w, b) => {
          for (let ch = 0; ch < c; ch++) {
            const at = (b * c + ch) * patchVoxels;
            if (axes.length > 0) flipPatchInPlace(data, at, patch, axes);
            // Every pass adds its importance to the weight sum, so the final division averages the passes.
            accumulate(channels[ch], ch === 0 ? weightSum : null, dims, w, patch, data, at, importance);
          }
        });
        out.dispose?.();
      }
    }
    onProgress?.(Math.min(first + batch, windows.length), windows.length);
    // Lets an abort() from a timer or the host be seen between windows even when run() finished synchronously.
    await new Promise<void>((r) => setImmediate(r));
  }
  throwIfAborted(signal, 'segmentation');
  for (let i = 0; i < n; i++) weightSum[i] = 1 / weightSum[i];
  for (const ch of channels) for (let i = 0; i < n; i++) ch[i] *= weightSum[i];
  return { channels, dims, windows: windows.length, networkSeconds, passesPerWindow: mirrors.length * networks.length };
}
