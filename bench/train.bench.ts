/**
 * Training-step speed of the study's residual U-Net [16, 32, 64, 128, 256] compiled to one ONNX graph and run by
 * onnxruntime-node (CPU), against ORT inference of the same net and TF.js's CPU backend.
 * Figures: train.step_64b2 (64³ patches, batch 2) and train.step_96b1 (96³, batch 1); each runs in its own
 * child process so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ort from '../engine/onnx/ort.js';
import { defaultModelSpec } from '../engine/training/spec.js';
import { OrtTrainer } from '../engine/training/trainer.js';
import { buildInferenceModel, forwardFlops } from '../engine/training/export.js';
import { initWeights } from '../engine/training/weights.js';
import { peakRssBytes, printBench, round } from './util.js';

const CASES: Record<string, { size: number; batch: number }> = { step_64b2: { size: 64, batch: 2 }, step_96b1: { size: 96, batch: 1 } };
/** TF.js's pure-JS conv3d runs at ~1 GFLOP/s, so its step is timed on the same net at this smaller size. */
const TFJS_SIZE = 32;

function synthetic(n: number, seed: number, threshold?: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = 0.5 + 0.5 * Math.sin(i * 0.0137 + seed) * Math.cos(i * 0.00071);
    out[i] = threshold === undefined ? v : v > threshold ? 1 : 0;
  }
  return out;
}

/** Median wall and CPU seconds of `runs` calls after one warm-up. CPU time is reported too because the bench
 * machine is often shared: it is far less disturbed by other processes than wall time. */
async function timeIt(runs: number, f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  await f();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { wall: median(walls), cpu: median(cpus) };
}

async function tfjsStepSeconds(): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  const { tfjsLossAndGrads } = await import('../engine/training/tfjs/unet.js');
  await tf.setBackend('cpu');
  const spec = defaultModelSpec();
  const dims = [1, 1, TFJS_SIZE, TFJS_SIZE, TFJS_SIZE];
  const n = TFJS_SIZE ** 3;
  const image = tf.tensor(synthetic(n, 1), dims);
  const label = tf.tensor(synthetic(n, 2, 0.6), dims);
  const t0 = performance.now();
  tfjsLossAndGrads(spec, initWeights(spec, 0), image, label, 'dice');
  return (performance.now() - t0) / 1000;
}

async function runCase(name: string): Promise<void> {
  const { size, batch } = CASES[name];
  const spec = defaultModelSpec();
  const patch: [number, number, number] = [size, size, size];
  const n = batch * size ** 3;
  const fwd = forwardFlops(spec, patch) * batch;

  const session = await ort.InferenceSession.create(buildInferenceModel(spec, initWeights(spec, 0)), { graphOptimizationLevel: 'all' });
  const feed = { image: new ort.Tensor('float32', synthetic(n, 1), [batch, 1, ...patch]) };
  const infer = await timeIt(3, () => session.run(feed));
  const inferS = infer.wall;
  await session.release();
  const inferenceGflops = fwd / inferS / 1e9;

  const trainer = await OrtTrainer.create(spec, { loss: 'dice', optimizer: { kind: 'novograd' }, patch, batch }, { seed: 0 });
  const image = synthetic(n, 1);
  const label = synthetic(n, 2, 0.6);
  const step = await timeIt(3, () => trainer.step(image, label, 1e-3));
  const stepS = step.wall;
  await trainer.dispose();
  const gflops = (3 * fwd) / stepS / 1e9;

  const tfjsS = Number(process.env.LOBULE_TFJS_STEP_S);
  const tfjsGflops = (3 * forwardFlops(spec, [TFJS_SIZE, TFJS_SIZE, TFJS_SIZE])) / tfjsS / 1e9;
  printBench({
    bench: `train.${name}`,
    step_s: round(stepS),
    gflops: round(gflops, 2),
    forward_gflop: round(fwd / 1e9, 2),
    inference_s: round(inferS),
    inference_gflops: round(inferenceGflops, 2),
    ratio_to_inference: round(gflops / inferenceGflops),
    step_cpu_s: round(step.cpu),
    inference_cpu_s: round(infer.cpu),
    ratio_to_inference_cpu: round((3 * infer.cpu) / step.cpu),
    tfjs_step_s: round(tfjsS),
    tfjs_gflops: round(tfjsGflops, 3),
    ratio_to_tfjs: round(gflops / tfjsGflops, 1),
    peak_rss_gb: round(peakRssBytes() / 2 ** 30, 2),
    note: `ORT CPU, Novograd + Dice; TF.js (cpu backend) timed on one step of the same net at ${TFJS_SIZE}³ batch 1, compared as GFLOP/s`,
  });
}

const only = process.env.LOBULE_TRAIN_BENCH_CASE;
if (only === 'tfjs') {
  console.log(`tfjs_step_s=${await tfjsStepSeconds()}`);
} else if (only) {
  await runCase(only);
} else {
  // TF.js is slow (about a minute per step): timed once, in its own process, and shared by both figures.
  const self = fileURLToPath(import.meta.url);
  const child = (env: Record<string, string>, capture: boolean) =>
    spawnSync(process.execPath, ['--import', 'tsx', self], {
      stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
  const t = child({ LOBULE_TRAIN_BENCH_CASE: 'tfjs' }, true);
  const tfjsS = /tfjs_step_s=([\d.]+)/.exec(t.stdout ?? '')?.[1] ?? 'NaN';
  for (const name of Object.keys(CASES)) {
    const r = child({ LOBULE_TRAIN_BENCH_CASE: name, LOBULE_TFJS_STEP_S: tfjsS }, false);
    if (r.status !== 0) printBench({ bench: `train.${name}`, error: `exit ${r.status}` });
  }
}
