/**
 * A small builder for ONNX models, on the protobuf classes of `onnx-proto`.
 *
 * Hand-written because no npm library builds ONNX graphs (the field builds them in Python with
 * `onnx.helper`); this is the TypeScript equivalent of that helper module and nothing more. Both the
 * training compiler and hand-built test models use it.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type TensorDType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';

const DTYPE_CODE: Record<TensorDType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension is a size or a symbolic name (e.g. 'N' for a dynamic batch). */
export type Dim = number | string;

/** Tagged attribute values: JavaScript cannot tell an int attribute from a float one by value alone. */
export type AttrValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
};

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

function encodeAttribute(name: string, a: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function dtypeOf(data: TensorData): TensorDType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

function valueInfo(name: string, dtype: TensorDType, shape: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DTYPE_CODE[dtype],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(readonly name = 'lobule') {}

  /** A fresh tensor name, unique within this graph. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, dtype: TensorDType, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  output(name: string, dtype: TensorDType, shape: readonly Dim[]): string {
    this.outputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** A constant tensor stored in the model (weights of an inference model, or small constants). */
  initializer(name: string, data: TensorData, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new RangeError(`initializer ${name}: ${data.length} values for dims [${dims.join(',')}]`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims: [...dims], dataType: DTYPE_CODE[dtypeOf(data)], rawData: bytes.slice() });
    return name;
  }

  /** A scalar or 1-D constant with a fresh name. */
  constant(data: TensorData, dims: readonly number[] = [data.length], prefix = 'const'): string {
    return this.initializer(this.fresh(prefix), data, dims);
  }

  /** Adds a node; returns its output names. `outputs` may be a count, for fresh names. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: number | readonly string[] = 1,
    attributes: Record<string, AttrValue> = {},
  ): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : [...outputs];
    this.nodes.push({
      opType,
      name: this.fresh(`n_${opType}`),
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attributes).map(([k, v]) => encodeAttribute(k, v)),
    });
    return outs;
  }

  /** Shorthand for a node with one output. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue> = {}, output?: string): string {
    return this.node(opType, inputs, output ? [output] : 1, attributes)[0];
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  toBytes(opset = 17, metadata: Record<string, string> = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'lobule',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
