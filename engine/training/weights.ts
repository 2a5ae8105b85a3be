/**
 * Model parameters as named float32 tensors (ONNX/PyTorch layouts, see unet.ts) and their seeded Kaiming-normal
 * initialisation. Their file format is tensor-file.ts.
 */
import { LobuleError } from '../errors.js';
import { OnnxGraph } from '../onnx/graph.js';
import { Tape, type Val } from './ir/tape.js';
import { emitUNet } from './onnx-unet.js';
import { patchMultiple, type ModelSpec } from './spec.js';
import { seededNormal } from '../common/rng.js';

export interface Tensor32 {
  data: Float32Array;
  dims: number[];
}

/** Parameter name -> tensor, in the network's creation order (which is also the training graph's input order). */
export type WeightSet = Map<string, Tensor32>;

/** Every parameter's name and dims, in creation order. */
export function paramShapes(spec: ModelSpec): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const tape = new Tape(new OnnxGraph('shapes'), false);
  const m = patchMultiple(spec);
  const image = tape.leaf('image', [1, spec.inChannels, m, m, m], false);
  emitUNet(tape, spec, image, (name, dims): Val => {
    shapes.set(name, dims);
    return tape.leaf(name, dims, true);
  });
  return shapes;
}

/**
 * Kaiming-normal (fan-in, gain sqrt 2) conv weights, zero biases, unit/zero norm affines. A transposed conv's
 * fan-in is its input channels: each output voxel sees one kernel tap per input channel.
 */
export function initWeights(spec: ModelSpec, seed: number): WeightSet {
  const normal = seededNormal(seed);
  const out: WeightSet = new Map();
  for (const [name, dims] of paramShapes(spec)) {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (dims.length === 5) {
      const transposed = spec.up === 'transposed' && /^up\d+\.weight$/.test(name);
      const fanIn = transposed ? dims[0] : dims[1] * dims[2] * dims[3] * dims[4];
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < data.length; i++) data[i] = normal() * std;
    } else if (/norm\d*\.weight$/.test(name)) {
      data.fill(1);
    }
    out.set(name, { data, dims: [...dims] });
  }
  return out;
}

/** Checks that `weights` has exactly the parameters `spec` needs, with the right dims. */
export function checkWeights(spec: ModelSpec, weights: WeightSet, source = 'weights'): void {
  const shapes = paramShapes(spec);
  for (const [name, dims] of shapes) {
    const w = weights.get(name);
    if (!w) throw new LobuleError('E_MODEL', `${source} lack parameter ${name}`, 'Use weights trained for this model spec');
    if (w.dims.join(',') !== dims.join(',') || w.data.length !== w.dims.reduce((a, b) => a * b, 1)) {
      throw new LobuleError(
        'E_MODEL',
        `${source}: parameter ${name} has dims [${w.dims}] but the spec needs [${dims}]`,
        'Use weights trained for this model spec',
      );
    }
  }
  for (const name of weights.keys()) {
    if (!shapes.has(name))
      throw new LobuleError(
        'E_MODEL',
        `${source} hold parameter ${name}, which the spec does not have`,
        'Use weights trained for this model spec',
      );
  }
}

export function cloneWeights(w: WeightSet): WeightSet {
  return new Map([...w].map(([k, v]) => [k, { data: v.data.slice(), dims: [...v.dims] }]));
}
