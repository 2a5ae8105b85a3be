/**
 * Floating-point operations of one forward pass, counted from the ONNX graph: shapes are propagated from the
 * input shape through the node list and every Conv / ConvTranspose / Gemm / MatMul contributes 2 × its
 * multiply-accumulates (the convention of fvcore, ptflops and the GFLOP figures papers quote). Element-wise ops
 * (norms, activations, adds) are not counted; in a 3-D U-Net they are well under 1 % of the work.
 *
 * Hand-written because onnx's shape inference and FLOP counters exist only in Python.
 */
import onnxProto from 'onnx-proto';

type Shape = number[];
type Node = onnxProto.onnx.INodeProto;

function attrInts(node: Node, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.ints ? a.ints.map(Number) : undefined;
}

function attrInt(node: Node, name: string): number | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a && a.i !== undefined && a.i !== null ? Number(a.i) : undefined;
}

function attrString(node: Node, name: string): string | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}

function initializerValues(t: onnxProto.onnx.ITensorProto): number[] {
  const raw = t.rawData;
  const T = onnxProto.onnx.TensorProto.DataType;
  if (raw && raw.length) {
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    if (t.dataType === T.FLOAT) return [...new Float32Array(buf)];
    if (t.dataType === T.INT64) return [...new BigInt64Array(buf)].map(Number);
    if (t.dataType === T.INT32) return [...new Int32Array(buf)];
    return [];
  }
  if (t.floatData?.length) return t.floatData.map(Number);
  if (t.int64Data?.length) return t.int64Data.map(Number);
  if (t.int32Data?.length) return t.int32Data.map(Number);
  return [];
}

function windowOut(input: Shape, kernel: number[], node: Node, channels: number): Shape {
  const n = kernel.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(n).fill(1);
  const dil = attrInts(node, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = attrString(node, 'auto_pad') ?? 'NOTSET';
  const ceil = attrInt(node, 'ceil_mode') === 1;
  const spatial = input.slice(2).map((d, a) => {
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(d / strides[a]);
    const span = d + pads[a] + pads[a + n] - dil[a] * (kernel[a] - 1) - 1;
    if (autoPad === 'VALID') return Math.floor((d - dil[a] * (kernel[a] - 1) - 1) / strides[a]) + 1;
    return (ceil ? Math.ceil(span / strides[a]) : Math.floor(span / strides[a])) + 1;
  });
  return [input[0], channels, ...spatial];
}

function transposedOut(input: Shape, kernel: number[], node: Node, channels: number): Shape {
  const n = kernel.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(n).fill(1);
  const dil = attrInts(node, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const outPad = attrInts(node, 'output_padding') ?? new Array<number>(n).fill(0);
  const explicit = attrInts(node, 'output_shape');
  const spatial =
    explicit ?? input.slice(2).map((d, a) => strides[a] * (d - 1) + outPad[a] + dil[a] * (kernel[a] - 1) + 1 - pads[a] - pads[a + n]);
  return [input[0], channels, ...spatial];
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export interface FlopCount {
  /** Total floating-point operations of one forward pass (2 × MACs). */
  readonly flops: number;
  /** Op types whose output shape was guessed as their first input's (none for the usual 3-D U-Nets). */
  readonly guessedOps: string[];
}

interface State {
  readonly shapes: Map<string, Shape>;
  /** Values of small integer tensors (shapes, slice bounds) that shape arithmetic in the graph computes. */
  readonly values: Map<string, number[]>;
  readonly consts: Map<string, { dims: number[]; values: () => number[] }>;
}

/** Evaluates the shape-arithmetic ops (Shape, Slice, Concat, Gather, …) on known small integer tensors. */
function evaluateValue(node: Node, st: State): number[] | undefined {
  const op = node.opType ?? '';
  const ins = node.input ?? [];
  const v = (i: number) => (ins[i] ? (st.values.get(ins[i]) ?? st.consts.get(ins[i])?.values()) : undefined);
  if (op === 'Shape') return st.shapes.get(ins[0]);
  if (op === 'Cast' || op === 'Identity' || op === 'Unsqueeze' || op === 'Squeeze') return v(0);
  if (op === 'Concat') {
    const parts = ins.map((_, i) => v(i));
    return parts.every((p) => p) ? parts.flatMap((p) => p as number[]) : undefined;
  }
  if (op === 'Gather') {
    const data = v(0),
      idx = v(1);
    return data && idx ? idx.map((i) => data[(i + data.length) % data.length]) : undefined;
  }
  if (op === 'Slice') {
    const data = v(0),
      starts = v(1),
      ends = v(2),
      steps = v(4);
    if (!data || !starts || !ends) return undefined;
    const step = steps?.[0] ?? 1;
    const clamp = (x: number) => Math.max(0, Math.min(data.length, x < 0 ? x + data.length : x));
    const out: number[] = [];
    for (let i = clamp(starts[0]); step > 0 ? i < clamp(ends[0]) : i > clamp(ends[0]); i += step) out.push(data[i]);
    return out;
  }
  if (op === 'Mul' || op === 'Add' || op === 'Sub' || op === 'Div') {
    const a = v(0),
      b = v(1);
    if (!a || !b) return undefined;
    const n = Math.max(a.length, b.length);
    const f = {
      Mul: (x: number, y: number) => x * y,
      Add: (x: number, y: number) => x + y,
      Sub: (x: number, y: number) => x - y,
      Div: (x: number, y: number) => Math.trunc(x / y),
    }[op];
    return Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
  }
  return undefined;
}

function reshapeOut(x: Shape, target: number[]): Shape {
  const out = target.map((t, i) => (t === 0 ? x[i] : t));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return out.map((d) => (d === -1 ? prod(x) / known : d));
}

/** Output shape of one node and the FLOPs it adds. */
function propagate(node: Node, st: State, guessed: Set<string>): { out?: Shape; flops: number } {
  const ins = (node.input ?? []).map((n) => st.shapes.get(n));
  const x = ins[0];
  const op = node.opType ?? '';
  if (!x) return { flops: 0 };
  switch (op) {
    case 'Conv': {
      const w = ins[1] as Shape;
      const out = windowOut(x, w.slice(2), node, w[0]);
      return { out, flops: 2 * prod(out) * prod(w.slice(1)) };
    }
    case 'ConvTranspose': {
      const w = ins[1] as Shape;
      return { out: transposedOut(x, w.slice(2), node, w[1] * (attrInt(node, 'group') ?? 1)), flops: 2 * prod(x) * prod(w.slice(1)) };
    }
    case 'MatMul':
    case 'Gemm': {
      const w = ins[1] as Shape;
      return { out: [...x.slice(0, -1), w[w.length - 1]], flops: 2 * prod(x) * w[w.length - 1] };
    }
    case 'MaxPool':
    case 'AveragePool':
      return { out: windowOut(x, attrInts(node, 'kernel_shape') ?? [], node, x[1]), flops: 0 };
    case 'Concat': {
      const axis = ((attrInt(node, 'axis') ?? 1) + x.length) % x.length;
      const out = x.slice();
      out[axis] = ins.reduce((s, sh) => s + (sh ? sh[axis] : 0), 0);
      return { out, flops: 0 };
    }
    case 'Transpose': {
      const perm = attrInts(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return { out: perm.map((p) => x[p]), flops: 0 };
    }
    case 'Reshape': {
      const target = st.values.get(node.input![1]) ?? st.consts.get(node.input![1])?.values();
      if (target) return { out: reshapeOut(x, target), flops: 0 };
      break;
    }
    case 'Shape':
      return { out: [x.length], flops: 0 };
    case 'Resize':
    case 'Upsample': {
      const out = resizeOut(node, x, st.consts);
      if (out) return { out, flops: 0 };
      break;
    }
  }
  const value = st.values.get(node.output?.[0] ?? '');
  if (value) return { out: [value.length], flops: 0 };
  if (!ELEMENTWISE.has(op)) guessed.add(op);
  // Element-wise and normalisation ops keep the largest input's shape (broadcasting).
  return { out: ins.reduce<Shape | undefined>((best, s) => (s && (!best || prod(s) > prod(best)) ? s : best), undefined), flops: 0 };
}

const ELEMENTWISE = new Set([
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Softmax',
  'Add',
  'Mul',
  'Sub',
  'Div',
  'InstanceNormalization',
  'BatchNormalization',
  'Identity',
  'Dropout',
  'Tanh',
  'Clip',
  'Cast',
  'Elu',
  'PRelu',
  'Unsqueeze',
  'Squeeze',
  'Slice',
  'Gather',
]);

/** Counts the forward FLOPs of an ONNX model for the given input shape (e.g. [1, 1, 96, 96, 96]). */
export function countForwardFlops(modelBytes: Uint8Array, inputShape: readonly number[]): FlopCount {
  const graph = onnxProto.onnx.ModelProto.decode(modelBytes).graph;
  if (!graph) return { flops: 0, guessedOps: [] };
  const st: State = { shapes: new Map(), values: new Map(), consts: new Map() };
  for (const t of graph.initializer ?? []) {
    const dims = (t.dims ?? []).map(Number);
    st.shapes.set(t.name ?? '', dims);
    st.consts.set(t.name ?? '', { dims, values: () => initializerValues(t) });
  }
  const first = graph.input?.find((i) => !st.consts.has(i.name ?? ''));
  if (first?.name) st.shapes.set(first.name, [...inputShape]);
  let flops = 0;
  const guessed = new Set<string>();
  for (const node of graph.node ?? []) {
    const value = evaluateValue(node, st);
    if (value && node.output?.[0]) st.values.set(node.output[0], value);
    const r = propagate(node, st, guessed);
    flops += r.flops;
    if (r.out) for (const name of node.output ?? []) st.shapes.set(name, r.out);
  }
  return { flops, guessedOps: [...guessed] };
}

function resizeOut(node: Node, x: Shape, consts: Map<string, { dims: number[]; values: () => number[] }>): Shape | undefined {
  const inputs = node.input ?? [];
  const sizes = inputs[3] ? consts.get(inputs[3])?.values() : undefined;
  if (sizes && sizes.length === x.length) return sizes;
  const scales = consts.get(inputs[node.opType === 'Upsample' ? 1 : 2] ?? '')?.values() ?? attrFloats(node, 'scales');
  if (scales && scales.length === x.length) return x.map((d, a) => Math.floor(d * scales[a]));
  return undefined;
}

function attrFloats(node: Node, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.floats ? a.floats.map(Number) : undefined;
}
