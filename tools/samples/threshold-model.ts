/**
 * A hand-built one-voxel ONNX model package (1×1×1 conv + sigmoid that thresholds HU): a real model the host
 * tests, the e2e workspaces and the dev server run in milliseconds, with an answer known exactly.
 */
import { join } from 'node:path';
import { writeModelPackage } from '../../engine/models/package.js';
import { OnnxGraph, attr } from '../../engine/onnx/graph.js';

export const THRESHOLD_HU = 150.5;
const CLIP: [number, number] = [-1000, 1000];

/** A model whose foreground is exactly HU > 150.5 (after the card's clip to [-1000, 1000] and scale to [0, 1]). */
export async function writeThresholdModel(parent: string, options: { name?: string; patch?: number } = {}): Promise<string> {
  const g = new OnnxGraph('threshold');
  g.input('image', 'float32', ['N', 1, 'Z', 'Y', 'X']);
  const w = g.initializer('w', new Float32Array([10 * (CLIP[1] - CLIP[0])]), [1, 1, 1, 1, 1]);
  const b = g.initializer('b', new Float32Array([-10 * (THRESHOLD_HU - CLIP[0])]), [1]);
  const conv = g.op('Conv', ['image', w, b], { kernel_shape: attr.ints([1, 1, 1]) });
  g.op('Sigmoid', [conv], {}, 'prob');
  g.output('prob', 'float32', ['N', 1, 'Z', 'Y', 'X']);
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
    g.toBytes(),
  );
}
