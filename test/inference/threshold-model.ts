/**
 * The hand-built model of the geometry proofs: a 1×1×1 convolution whose logit is 10·(HU − 150.5) once the card's
 * clip/scale has been applied, so a voxel is foreground exactly when its HU value is ≥ 151 (CT values are
 * integers; the half-integer threshold keeps every voxel at least 5 logits from the decision).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIP, THRESHOLD_HU, thresholdOnnx } from '../../tools/samples/threshold-model.js';
import type { ModelCardInput } from '../../engine/models/card.js';
import { writeModelPackage } from '../../engine/models/package.js';

export { THRESHOLD_HU, thresholdOnnx };

const made: string[] = [];
process.on('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lobule-${prefix}-`));
  made.push(dir);
  return dir;
}
export interface ThresholdCardOptions {
  targetSpacing?: [number, number, number];
  orientation?: string;
  activation?: 'sigmoid' | 'softmax' | 'none';
  patch?: [number, number, number];
  largestComponent?: boolean;
  fillHoles?: boolean;
  cropToBody?: { threshold: number; margin: number };
}

export function thresholdCard(overrides: ThresholdCardOptions = {}): ModelCardInput {
  return {
    name: 'threshold',
    version: '1.0.0',
    description: 'HU ≥ 151 (test model)',
    labels: { '1': 'bright' },
    inputChannels: 1,
    preprocessing: {
      targetSpacing: overrides.targetSpacing ?? [3, 3, 3],
      orientation: overrides.orientation ?? 'RAS',
      intensity: { clip: CLIP, scale: 'minmax01' },
      patchSize: overrides.patch ?? [64, 64, 64],
      overlap: 0.25,
      gaussian: true,
      ...(overrides.cropToBody ? { cropToBody: overrides.cropToBody } : {}),
    },
    output: { activation: overrides.activation ?? 'none', threshold: 0.5 },
    postprocessing: { largestComponent: overrides.largestComponent ?? false, fillHoles: overrides.fillHoles ?? false },
    provenance: { notes: 'hand-built geometry test model' },
  };
}

/** Writes a threshold package into a fresh temp folder; returns its path. */
export async function writeThresholdPackage(
  card: ModelCardInput = thresholdCard(),
  onnx = thresholdOnnx({ sigmoidInGraph: true }),
): Promise<string> {
  const root = tempDir('threshold');
  return writeModelPackage(join(root, String(card.name)), card, onnx);
}

/** The voxels the threshold selects, computed straight from the image values. */
export function expectedThreshold(data: ArrayLike<number>, hu = THRESHOLD_HU): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] > hu ? 1 : 0;
  return out;
}

export function countDiffs(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}
