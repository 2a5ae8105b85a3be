/**
 * Turns cached cases into training batches. The batch of global step s is a pure function of (seed, s):
 * epoch e = floor(s / stepsPerEpoch) visits the cases in a seeded permutation, `samplesPerVolume` patches
 * each, and every patch draws from its own derived `Rng`. So `--resume` from step s gives exactly the batches
 * an uninterrupted run would have seen, and no state but the step needs saving.
 */
import type { AugmentConfig, Size3 } from './config.js';
import type { CachedCase } from './cache.js';
import { affinePatch, drawSpatial, flipRotate } from './augment.js';
import { applyIntensityDraw, drawIntensity } from './intensity.js';
import { applyAppearance, drawAppearance } from './augment-appearance.js';
import { applyDeform, drawDeform } from './augment-deform.js';
import { applyLesions, drawLesions } from './synthetic-lesions.js';
import { cropPatch, drawCenter, patchStart, type PatchArrays } from './patch.js';
import { Rng } from '../../common/rng.js';

export interface SamplerOptions {
  readonly patch: Size3;
  readonly batch: number;
  readonly samplesPerVolume: number;
  readonly posNegRatio: readonly [number, number];
  readonly augment: AugmentConfig;
  /** Image value outside the volume (the scaled value of the clip's lower bound: 0). */
  readonly padValue: number;
  readonly seed: number;
  readonly stepsPerEpoch?: number;
}

/** Where the sampler gets a case's arrays (a `PreprocessedCache` over the run's training cases). */
export interface CaseSource {
  readonly count: number;
  load(index: number): Promise<CachedCase>;
}

/** One batch in the trainer's layout: [batch, 1, z, y, x], x fastest. */
export interface Batch {
  readonly image: Float32Array;
  readonly label: Uint8Array;
  readonly shape: readonly [number, number, number, number, number];
}

export function stepsPerEpoch(cases: number, o: Pick<SamplerOptions, 'samplesPerVolume' | 'batch' | 'stepsPerEpoch'>): number {
  return o.stepsPerEpoch ?? Math.max(1, Math.ceil((cases * o.samplesPerVolume) / o.batch));
}

/** Which case each sample slot of an epoch reads: a seeded case order, `samplesPerVolume` consecutive slots each. */
export function epochSlots(seed: number, epoch: number, cases: number, samplesPerVolume: number): number[] {
  const order = Rng.derive(seed, 'case-order', epoch).permutation(cases);
  return order.flatMap((c) => Array.from({ length: samplesPerVolume }, () => c));
}

/** The batch of global step `step`. */
export async function batchAt(step: number, source: CaseSource, o: SamplerOptions): Promise<Batch> {
  const spe = stepsPerEpoch(source.count, o);
  const epoch = Math.floor(step / spe);
  const slots = epochSlots(o.seed, epoch, source.count, o.samplesPerVolume);
  const vox = o.patch[0] * o.patch[1] * o.patch[2];
  const image = new Float32Array(o.batch * vox);
  const label = new Uint8Array(o.batch * vox);
  for (let b = 0; b < o.batch; b++) {
    // Every sample of an epoch draws from its own generator, also when stepsPerEpoch asks for more samples than
    // cases × samplesPerVolume (the case order then repeats, the patches do not).
    const sample = (step - epoch * spe) * o.batch + b;
    const c = await source.load(slots[sample % slots.length]);
    const p = samplePatch(c, Rng.derive(o.seed, 'sample', epoch, sample), o);
    image.set(p.image, b * vox);
    label.set(p.label, b * vox);
  }
  return { image, label, shape: [o.batch, 1, o.patch[2], o.patch[1], o.patch[0]] };
}

/** One augmented patch: pos/neg centre, spatial draw (affine, flips, quarter turns), z-slab, intensity. */
export function samplePatch(
  c: CachedCase,
  rng: Rng,
  o: Pick<SamplerOptions, 'patch' | 'posNegRatio' | 'augment' | 'padValue'>,
): PatchArrays {
  const center = drawCenter(rng, c, c.fg, o.posNegRatio);
  const spatial = drawSpatial(rng, o.augment, o.patch);
  // A quarter turn swaps x and y, so an odd turn samples the transposed size and turns it back into `patch`.
  const size: Size3 = spatial.rot90 % 2 === 1 ? [o.patch[1], o.patch[0], o.patch[2]] : o.patch;
  const start = patchStart(center, c.dims, size);
  let p: PatchArrays;
  if (spatial.angle !== 0 || spatial.scale !== 1) {
    const mid: Size3 = [start[0] + (size[0] - 1) / 2, start[1] + (size[1] - 1) / 2, start[2] + (size[2] - 1) / 2];
    p = affinePatch(c, mid, size, spatial.angle, spatial.scale, o.padValue);
  } else p = cropPatch(c, start, size, o.padValue);
  p = flipRotate(p, spatial);
  p = unseenScannerAugment(p, rng, o.augment, o.padValue);
  if (rng.chance(o.augment.slabProb)) keepSlab(p, rng, o.augment.slabMin, o.padValue);
  applyIntensityDraw(p.image, drawIntensity(rng, o.augment));
  return p;
}

/**
 * The v2 augmentations, in the order they arise in a real scan: anatomy (deformation, lesions), then the
 * appearance (contrast phase, scanner response, noise, kernel). Skipped without a draw when all are off, so a
 * plan that does not use them samples exactly the patches it always did.
 */
function unseenScannerAugment(p: PatchArrays, rng: Rng, a: AugmentConfig, padValue: number): PatchArrays {
  const d = a.deform;
  let out = p;
  if (d.elasticProb > 0 || d.thickSliceProb > 0 || d.fovCutProb > 0) out = applyDeform(out, drawDeform(rng, d, out.size), padValue);
  if (a.lesions.lesionProb > 0) applyLesions(out.image, out.label, out.size, drawLesions(rng, out.label, out.size, a.lesions), rng);
  const ap = a.appearance;
  if (ap.gammaProb > 0 || ap.noiseProb > 0 || ap.lowDoseProb > 0 || ap.blurProb > 0 || ap.contrastPhaseProb > 0) {
    applyAppearance(out.image, out.label, out.size, drawAppearance(rng, ap), rng);
  }
  return out;
}

/** Keeps a random run of z-slices and pads the rest (image `padValue`, label 0), in place. */
function keepSlab(p: PatchArrays, rng: Rng, minSlices: number, padValue: number): void {
  const [px, py, pz] = p.size;
  const n = Math.min(pz, minSlices + rng.int(Math.max(1, pz - minSlices + 1)));
  // Half the slabs start at the patch's first slice: that is where the sliding window puts a scan shorter
  // than the window (engine/inference/sliding-window.ts pads after it), so the network learns that placement.
  const z0 = rng.chance(0.5) ? 0 : rng.int(pz - n + 1);
  const plane = px * py;
  for (let z = 0; z < pz; z++) {
    if (z >= z0 && z < z0 + n) continue;
    p.image.fill(padValue, z * plane, (z + 1) * plane);
    p.label.fill(0, z * plane, (z + 1) * plane);
  }
}
