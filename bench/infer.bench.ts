/**
 * Inference benchmarks.
 * - infer.unet96: raw ONNX Runtime forward of the study's residual U-Net at 96³; FLOPs counted from the graph.
 * - infer.segment_512: `segment` of a synthetic 512×512×300 CT (0.8×0.8×1 mm) with that U-Net at 1.5 mm, file to
 *   file, in a child process so that peak RSS is the segmentation's own. Goals: total/network ≤ 1.25, ≤ 4 GB.
 *   The U-Net has seeded random weights (no trained model is bundled yet); the fraction of voxels it labels is
 *   reported, since post-processing cost grows with it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from '../engine/onnx/ort.js';
import { buildInferenceModel } from '../engine/training/export.js';
import { defaultModelSpec } from '../engine/training/spec.js';
import { initWeights } from '../engine/training/weights.js';
import { mulberry32 } from '../engine/common/rng.js';
import { createSession } from '../engine/onnx/session-factory.js';
import { countForwardFlops } from '../engine/inference/flops.js';
import { loadModelPackage } from '../engine/models/package.js';
import { segmentFile } from '../engine/inference/segment.js';
import { writeNifti } from '../engine/io/nifti-write.js';
import { writeLiverUnetPackage } from '../tools/samples/unet-package.js';
import { peakRssBytes, printBench, round } from './util.js';
import { phantom } from './phantom.js';

const spec = defaultModelSpec();
const unetBytes = () => buildInferenceModel(spec, initWeights(spec, 2026));

async function benchUnet96(): Promise<void> {
  const bytes = unetBytes();
  const flops = countForwardFlops(bytes, [1, 1, 96, 96, 96]).flops;
  const { session, provider } = await createSession(bytes, 'auto', { log: () => undefined });
  const rnd = mulberry32(1);
  const x = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 96 ** 3 }, () => rnd()),
    [1, 1, 96, 96, 96],
  );
  await session.run({ [session.inputNames[0]]: x }); // warm-up: kernels pick their algorithms on the first run
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await session.run({ [session.inputNames[0]]: x });
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const median = times[1];
  printBench({
    bench: 'infer.unet96',
    gflops: round(flops / 1e9 / median, 1),
    forward_s: round(median),
    gflop_per_forward: round(flops / 1e9, 2),
    provider,
  });
  await session.release();
}

async function segmentChild(input: string, model: string, output: string): Promise<void> {
  const pkg = await loadModelPackage(model);
  const r = await segmentFile(input, output, { model: pkg, device: 'auto', log: () => undefined });
  let fg = 0;
  for (let i = 0; i < r.labels.data.length; i++) fg += r.labels.data[i] !== 0 ? 1 : 0;
  console.log(
    JSON.stringify({
      ...r.timings,
      provider: r.provider,
      gflop: r.networkGflop,
      windows: r.windows,
      foreground: fg / r.labels.data.length,
      peak_rss: peakRssBytes(),
    }),
  );
}

async function benchSegment512(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lobule-bench-infer-'));
  try {
    const input = join(dir, 'ct.nii.gz');
    await writeNifti(input, phantom());
    const model = await writeLiverUnetPackage(join(dir, 'unet'), unetBytes(), {
      name: 'unet-bench',
      version: '0',
      spacing: [1.5, 1.5, 1.5],
      patch: [96, 96, 96],
    });
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--segment', input, model, join(dir, 'seg.nii.gz')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (child.status !== 0) throw new Error(`segment child failed with ${child.status}`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
    printBench({
      bench: 'infer.segment_512',
      total_s: round(r.total_s),
      network_s: round(r.network_s),
      ratio_total_to_network: round(r.total_s / r.network_s),
      peak_rss_gb: round(r.peak_rss / 2 ** 30),
      load_s: round(r.load_s),
      model_s: round(r.model_s),
      preprocess_s: round(r.preprocess_s),
      infer_s: round(r.infer_s),
      postprocess_s: round(r.postprocess_s),
      save_s: round(r.save_s),
      windows: r.windows,
      network_gflop: round(r.gflop, 1),
      provider: r.provider,
      foreground_fraction: round(r.foreground, 4),
      note: 'synthetic 512x512x300 CT 0.8x0.8x1 mm, model 1.5 mm, patch 96^3, overlap 0.25, random-weight U-Net',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--segment') {
  await segmentChild(process.argv[3], process.argv[4], process.argv[5]);
} else {
  await benchUnet96();
  await benchSegment512();
}
