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
  const spatial = explicit ?? input.slice(2).map((d, a) => strides[a] * (d - 1) + outPad[a] + dil[a] * (kernel[a] - 1) + 1 - pads[a] - pads[a + n]);
  return [input[0], channels, ...spatial];
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export interface FlopCount {
  /** Total floating-point operations of one forward pass (2 × MACs). */
  readonly flops: number;
  /** Op types whose output shape was guessed as their first input's (none for the usual 3-D U-Nets). */
  readonly guessedOps: string[];
}

/** Counts the forward FLOPs of an ONNX model for the given input shape (e.g. [1, 1, 96, 96, 96]). */
export function countForwardFlops(modelBytes: Uint8Array, inputShape: readonly number[]): FlopCount {
  const model = onnxProto.onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) return { flops: 0, guessedOps: [] };
  const shapes = new Map<string, Shape>();
  const consts = new Map<string, { dims: number[]; values: () => number[] }>();
  for (const t of graph.initializer ?? []) {
    const dims = (t.dims ?? []).map(Number);
    shapes.set(t.name ?? '', dims);
    consts.set(t.name ?? '', { dims, values: () => initializerValues(t) });
  }
  const first = graph.input?.find((i) => !consts.has(i.name ?? ''));
  if (first?.name) shapes.set(first.name, [...inputShape]);
  let flops = 0;
  const guessed = new Set<string>();
  for (const node of graph.node ?? []) {
    const ins = (node.input ?? []).map((n) => shapes.get(n));
    const x = ins[0];
    const op = node.opType ?? '';
    let out: Shape | undefined;
    if (!x) continue;
    if (op === 'Conv') {
      const w = ins[1] as Shape;
      out = windowOut(x, w.slice(2), node, w[0]);
      flops += 2 * prod(out) * prod(w.slice(1));
    } else if (op === 'ConvTranspose') {
      const w = ins[1] as Shape;
      const group = attrInt(node, 'group') ?? 1;
      out = transposedOut(x, w.slice(2), node, w[1] * group);
      flops += 2 * prod(x) * prod(w.slice(1));
    } else if (op === 'MaxPool' || op === 'AveragePool') {
      out = windowOut(x, attrInts(node, 'kernel_shape') ?? [], node, x[1]);
    } else if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool') {
      out = [x[0], x[1], ...x.slice(2).map(() => 1)];
    } else if (op === 'Concat') {
      const axis = ((attrInt(node, 'axis') ?? 1) + x.length) % x.length;
      out = x.slice();
      out[axis] = ins.reduce((s, sh) => s + (sh ? sh[axis] : 0), 0);
    } else if (op === 'Resize' || op === 'Upsample') {
      out = resizeOut(node, x, consts);
      if (!out) guessed.add(op);
    } else if (op === 'MatMul' || op === 'Gemm') {
      const w = ins[1] as Shape;
      out = [...x.slice(0, -1), w[w.length - 1]];
      flops += 2 * prod(x) * w[w.length - 1];
    } else {
      // Element-wise and normalisation ops keep the largest input's shape (broadcasting).
      if (!['Relu', 'LeakyRelu', 'Sigmoid', 'Softmax', 'Add', 'Mul', 'Sub', 'Div', 'InstanceNormalization', 'BatchNormalization', 'Identity', 'Dropout', 'Tanh', 'Clip', 'Cast', 'Elu', 'PRelu'].includes(op)) guessed.add(op);
      out = ins.reduce<Shape | undefined>((best, s) => (s && (!best || prod(s) > prod(best)) ? s : best), undefined);
    }
    if (out) for (const name of node.output ?? []) shapes.set(name, out);
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
