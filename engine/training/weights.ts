/**
 * Model parameters as named float32 tensors (ONNX/PyTorch layouts, see unet.ts), their seeded Kaiming-normal
 * initialisation, and a small binary file format for them.
 */
import { readFile } from 'node:fs/promises';
import { LobuleError } from '../errors.js';
import { OnnxGraph } from '../onnx/graph.js';
import { Tape, type Val } from './ir/tape.js';
import { emitUNet } from './onnx-unet.js';
import { patchMultiple, type ModelSpec } from './spec.js';
import { writeFileAtomic } from '../io/atomic.js';

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

/** mulberry32: a tiny, well-mixed 32-bit generator; all Lobule randomness must be reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
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
      throw new LobuleError('E_MODEL', `${source}: parameter ${name} has dims [${w.dims}] but the spec needs [${dims}]`, 'Use weights trained for this model spec');
    }
  }
  for (const name of weights.keys()) {
    if (!shapes.has(name)) throw new LobuleError('E_MODEL', `${source} hold parameter ${name}, which the spec does not have`, 'Use weights trained for this model spec');
  }
}

export function cloneWeights(w: WeightSet): WeightSet {
  return new Map([...w].map(([k, v]) => [k, { data: v.data.slice(), dims: [...v.dims] }]));
}

const MAGIC = 'LOBTENS1';

/**
 * Named tensors as one file: 8-byte magic, u32 header length, JSON header {meta, tensors: [{name, dims, offset}]},
 * then the float32 data (little-endian, 4-byte aligned). Hand-rolled because safetensors has no maintained JS writer.
 */
export function encodeTensors(tensors: WeightSet, meta: unknown = {}): Uint8Array {
  let offset = 0;
  const index = [...tensors].map(([name, t]) => {
    const entry = { name, dims: t.dims, offset };
    offset += t.data.length * 4;
    return entry;
  });
  const json = new TextEncoder().encode(JSON.stringify({ meta, tensors: index }));
  // Trailing spaces (valid JSON whitespace) keep the float data 4-byte aligned.
  const header = new Uint8Array(json.length + ((4 - ((12 + json.length) % 4)) % 4)).fill(0x20);
  header.set(json);
  const out = new Uint8Array(12 + header.length + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  const base = 12 + header.length;
  let i = 0;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), base + index[i++].offset);
  }
  return out;
}

export function decodeTensors(bytes: Uint8Array, source: string): { tensors: WeightSet; meta: unknown } {
  const bad = (why: string): LobuleError => new LobuleError('E_CORRUPT', `${source} is not a Lobule tensor file (${why})`, 'Choose a file saved by Lobule, or re-save it');
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('bad magic');
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  let header: { meta: unknown; tensors: { name: string; dims: number[]; offset: number }[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch {
    throw bad('unreadable header');
  }
  const base = 12 + hlen;
  const tensors: WeightSet = new Map();
  for (const t of header.tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    if (base + t.offset + n * 4 > bytes.length) throw bad(`tensor ${t.name} is truncated`);
    // Copy into a fresh, aligned buffer (a Node Buffer's slice would alias its shared pool).
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(bytes.subarray(base + t.offset, base + t.offset + n * 4));
    tensors.set(t.name, { data, dims: t.dims });
  }
  return { tensors, meta: header.meta };
}

export async function saveWeights(path: string, weights: WeightSet, meta: unknown = {}): Promise<void> {
  await writeFileAtomic(path, encodeTensors(weights, meta));
}

export async function loadWeights(path: string): Promise<{ weights: WeightSet; meta: unknown }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new LobuleError('E_NOT_FOUND', `cannot read weights file ${path} (${(e as Error).message})`, 'Check the path', { cause: e });
  }
  const { tensors, meta } = decodeTensors(bytes, path);
  return { weights: tensors, meta };
}
