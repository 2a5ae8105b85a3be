/**
 * `train.bundled_spec`: seconds per training step and per epoch of the bundled liver model's configuration
 * (its training plan, assets/models/recipes/liver/plan.json) on this machine, through the
 * whole run pipeline's sampler (patch sampling and augmentation included), and the peak RSS; `stop_s`: how long
 * a Stop that comes a fifth into a step takes to end it (the Training panel's Stop; goal ≤ 1 s).
 */
import { join } from 'node:path';
import { bundledModelsDir } from '../engine/paths.js';
import { OrtTrainer } from '../engine/training/trainer.js';
import { loadPlanFile } from '../engine/training/plan/load.js';
import { batchAt, stepsPerEpoch } from '../engine/training/data/sampler.js';
import { foregroundIndices } from '../engine/training/data/patch.js';
import { optimizerFor } from '../engine/training/run/hyper.js';
import { labelTensor } from '../engine/training/run/stage-loop.js';
import { Rng } from '../engine/common/rng.js';
import { peakRssBytes, printBench, round } from './util.js';

const recipe = join(bundledModelsDir(), 'recipes', 'liver');
const plan = await loadPlanFile(join(recipe, 'plan.json'));
const spec = plan.network;
const trainCases = 1; // the bundled model's training set: patient A
const patch = plan.sampling.patch;
const config = { ...plan.sampling, augment: plan.augment, stepsPerEpoch: plan.budget.stepsPerEpoch, lr: plan.optimizer.lr };
// A synthetic case of patient A's preprocessed size with a liver-sized blob: the sampler's cost, not the data, is timed.
const dims = [122, 101, 112] as const;
const rng = new Rng(1);
const image = Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, () => rng.next());
const label = new Uint8Array(image.length);
for (let z = 60; z < 110; z++) for (let y = 20; y < 70; y++) for (let x = 10; x < 60; x++) label[x + dims[0] * (y + dims[1] * z)] = 1;
const c = { image, label, dims, fg: foregroundIndices(label) };
const source = { count: trainCases, load: async () => c };
const sampler = {
  patch,
  batch: config.batch,
  samplesPerVolume: config.samplesPerVolume,
  posNegRatio: config.posNegRatio,
  augment: config.augment,
  padValue: 0,
  seed: 0,
  stepsPerEpoch: config.stepsPerEpoch,
};
const trainer = await OrtTrainer.create(
  spec,
  { loss: 'dice', optimizer: optimizerFor(plan), patch: [patch[2], patch[1], patch[0]], batch: config.batch },
  { seed: 0 },
);
const warm = 1;
const timed = 4;
let seconds = 0;
for (let s = 0; s < warm + timed; s++) {
  const t0 = performance.now();
  const b = await batchAt(s, source, sampler);
  await trainer.step(b.image, labelTensor(b.label, config.batch, spec), config.lr);
  if (s >= warm) seconds += (performance.now() - t0) / 1000;
}
const stepS = seconds / timed;
const stopping = new AbortController();
const b = await batchAt(warm + timed, source, sampler);
const inFlight = trainer.step(b.image, labelTensor(b.label, config.batch, spec), config.lr, stopping.signal);
await new Promise((r) => setTimeout(r, (stepS * 1000) / 5));
const stopAt = performance.now();
stopping.abort();
await inFlight.catch(() => undefined);
const stopS = (performance.now() - stopAt) / 1000;
await trainer.dispose();
printBench({
  bench: 'train.bundled_spec',
  step_s: round(stepS),
  epoch_s: round(stepS * stepsPerEpoch(source.count, sampler)),
  stop_s: round(stopS),
  peak_rss_gb: round(peakRssBytes() / 2 ** 30),
  channels: spec.channels,
  patch,
  batch: config.batch,
});
