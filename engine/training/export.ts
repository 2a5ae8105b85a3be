/** The inference graph of a model (`model.onnx` of a model package) and its FLOP count. */
import { OnnxGraph } from '../onnx/graph.js';
import { Tape, type Val } from './ir/tape.js';
import { emitUNet } from './onnx-unet.js';
import { checkPatch, patchMultiple, type ModelSpec } from './spec.js';
import { checkWeights, type WeightSet } from './weights.js';

/**
 * ONNX model: input 'image' [N, inChannels, Z, Y, X] (N and Z/Y/X dynamic; each spatial size a multiple of
 * 2^(levels-1)), output 'logits' [N, outClasses, Z, Y, X]; weights are initializers.
 */
export function buildInferenceModel(spec: ModelSpec, weights: WeightSet): Uint8Array {
  checkWeights(spec, weights);
  const g = new OnnxGraph('lobule_unet');
  const tape = new Tape(g, false);
  const m = patchMultiple(spec);
  g.input('image', 'float32', ['N', spec.inChannels, 'Z', 'Y', 'X']);
  const image = tape.leaf('image', [1, spec.inChannels, m, m, m], false);
  const logits = emitUNet(tape, spec, image, (name, dims): Val => {
    const w = weights.get(name)!;
    g.initializer(name, w.data, dims);
    return tape.leaf(name, dims, false);
  });
  g.op('Identity', [logits.name], {}, 'logits');
  g.output('logits', 'float32', ['N', spec.outClasses, 'Z', 'Y', 'X']);
  return g.toBytes(17, { lobule_model_spec: JSON.stringify(spec) });
}

/** FLOPs of one forward pass on one [nz, ny, nx] patch: 2 x the multiply-adds of every conv in the graph. */
export function forwardFlops(spec: ModelSpec, patch: readonly [number, number, number] | readonly number[]): number {
  checkPatch(spec, patch);
  const tape = new Tape(new OnnxGraph('flops'), false);
  const image = tape.leaf('image', [1, spec.inChannels, ...patch], false);
  emitUNet(tape, spec, image, (name, dims) => tape.leaf(name, dims, true));
  let flops = 0;
  for (const r of tape.records) {
    if (r.call.op !== 'conv') continue;
    const w = r.ins[1].shape;
    const macsPerVoxel = w[0] * w[1] * w[2] * w[3] * w[4];
    flops += 2 * macsPerVoxel * r.out.shape.slice(2).reduce((a, b) => a * b, 1) * r.out.shape[0];
  }
  return flops;
}
