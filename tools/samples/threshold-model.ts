/**
 * A hand-built one-voxel ONNX model package (1×1×1 conv + sigmoid that thresholds HU): a real model the host
 * tests, the e2e workspaces and the dev server run in milliseconds, with an answer known exactly.
 */
import { join } from 'node:path';
import { writeModelPackage } from '../../engine/models/package.js';
import { OnnxGraph, attr } from '../../engine/onnx/graph.js';

export const THRESHOLD_HU = 150.5;
export const CLIP: [number, number] = [-1000, 1000];

/** conv(x) = w·x + b with x = (HU − low)/(high − low): logit = 10·(HU − hu), so a voxel is foreground exactly above `hu`. */
export function thresholdOnnx(options: { sigmoidInGraph: boolean; channels?: 1 | 2; hu?: number }): Uint8Array {
  const w = 10 * (CLIP[1] - CLIP[0]);
  const b = -10 * ((options.hu ?? THRESHOLD_HU) - CLIP[0]);
  const g = new OnnxGraph('threshold');
  g.input('image', 'float32', ['N', 1, 'Z', 'Y', 'X']);
  const channels = options.channels ?? 1;
  // Two channels are [background, foreground] logits for a softmax card: background = −logit.
  const weights = channels === 1 ? [w] : [-w, w];
  const biases = channels === 1 ? [b] : [-b, b];
  const wt = g.initializer('w', new Float32Array(weights), [channels, 1, 1, 1, 1]);
  const bt = g.initializer('b', new Float32Array(biases), [channels]);
  const conv = g.op('Conv', ['image', wt, bt], { kernel_shape: attr.ints([1, 1, 1]) });
  g.op(options.sigmoidInGraph ? 'Sigmoid' : 'Identity', [conv], {}, 'prob');
  g.output('prob', 'float32', ['N', channels, 'Z', 'Y', 'X']);
  return g.toBytes();
}

/** A model whose foreground is exactly HU > 150.5 (after the card's clip to [-1000, 1000] and scale to [0, 1]). */
export async function writeThresholdModel(parent: string, options: { name?: string; patch?: number } = {}): Promise<string> {
  const name = options.name ?? 'threshold';
  const patch = options.patch ?? 32;
  return writeModelPackage(
    join(parent, name),
    {
      name,
      version: '1.0.0',
      labels: { '1': 'bright' },
      preprocessing: {
        targetSpacing: [3, 3, 3],
        orientation: 'RAS',
        intensity: { clip: CLIP, scale: 'minmax01' },
        patchSize: [patch, patch, patch],
        overlap: 0.25,
        gaussian: true,
      },
      output: { activation: 'none', threshold: 0.5 },
      provenance: { notes: 'hand-built host test model', metrics: { valDice: 0.5 } },
    },
    thresholdOnnx({ sigmoidInGraph: true }),
  );
}
