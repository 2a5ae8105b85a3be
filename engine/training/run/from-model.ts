/**
 * Fine-tuning starts from a model package: its network spec (stored by Lobule in the ONNX metadata
 * `lobule_model_spec`) and its weights (the ONNX initializers, named as the spec's parameters). A package from
 * elsewhere (MONAI, nnU-Net) has neither, and the error says so.
 */
import onnxProto from 'onnx-proto';
import { LobuleError } from '../../errors.js';
import type { ModelPackage } from '../../models/package.js';
import { parseModelSpec, type ModelSpec } from '../spec.js';
import { checkWeights, paramShapes, type WeightSet } from '../weights.js';

export interface NetworkFromOnnx {
  readonly spec: ModelSpec;
  readonly weights: WeightSet;
}

export function networkFromOnnx(bytes: Uint8Array, source: string): NetworkFromOnnx {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const specText = model.metadataProps?.find((p) => p.key === 'lobule_model_spec')?.value;
  if (!specText) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `${source} was not trained by Lobule (its ONNX has no lobule_model_spec)`,
      'Fine-tune from a Lobule model (the bundled one or an earlier run), or train from scratch without --from',
    );
  }
  const spec = parseModelSpec(specText, `${source} model spec`);
  const weights: WeightSet = new Map();
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (!t.name || !raw || raw.length === 0) continue;
    const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    weights.set(t.name, { data, dims: (t.dims ?? []).map(Number) });
  }
  // Other initializers are graph constants (axes, shapes), not parameters.
  const names = paramShapes(spec);
  const params: WeightSet = new Map([...weights].filter(([name]) => names.has(name)));
  checkWeights(spec, params, source);
  return { spec, weights: params };
}

/** The fine (and, for two-stage packages, coarse) networks of a package. */
export function networksOfPackage(pkg: ModelPackage): { fine: NetworkFromOnnx; coarse?: NetworkFromOnnx } {
  const fine = networkFromOnnx(pkg.modelBytes, pkg.modelPath);
  const coarse = pkg.coarseModelBytes && pkg.coarseModelPath ? networkFromOnnx(pkg.coarseModelBytes, pkg.coarseModelPath) : undefined;
  return { fine, coarse };
}
