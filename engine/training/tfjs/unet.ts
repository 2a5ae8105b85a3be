/**
 * The same U-Net in TensorFlow.js ops: the oracle the ONNX compiler is tested against (its autodiff gives the
 * reference gradients) and the optional `tfjs` training backend. Computes in NDHWC (tfjs conv3d's only layout)
 * from the same WeightSet layouts as ONNX, so weights are interchangeable.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../spec.js';
import { LEAKY_ALPHA, NORM_EPS, buildUNet, type UNetOps } from '../unet.js';
import type { WeightSet } from '../weights.js';
import { DICE_EPS, type LossKind } from '../compile.js';

type T5 = tf.Tensor;

export class TfjsUNetOps implements UNetOps<T5> {
  /** Dropout is active only when training. */
  training = false;

  constructor(
    private readonly spec: ModelSpec,
    private readonly params: Map<string, tf.Tensor>,
  ) {}

  private p(name: string): tf.Tensor {
    const t = this.params.get(name);
    if (!t) throw new Error(`tfjs U-Net: missing parameter ${name}`);
    return t;
  }

  private bias(x: T5, name: string): T5 {
    return tf.add(x, this.p(`${name}.bias`));
  }

  conv(x: T5, name: string, _cin: number, _cout: number, _k: 1 | 3): T5 {
    const w = tf.transpose(this.p(`${name}.weight`), [2, 3, 4, 1, 0]) as tf.Tensor5D;
    return this.bias(tf.conv3d(x as tf.Tensor5D, w, 1, 'same'), name);
  }

  downConv(x: T5, name: string, _c: number): T5 {
    const w = tf.transpose(this.p(`${name}.weight`), [2, 3, 4, 1, 0]) as tf.Tensor5D;
    return this.bias(tf.conv3d(x as tf.Tensor5D, w, 2, 'valid'), name);
  }

  // tfjs has no gradient for conv3dTranspose, so the 2x2x2 stride-2 transposed conv is written as a matmul
  // producing the 8 sub-voxels per input voxel, then interleaved.
  upConv(x: T5, name: string, cin: number, cout: number): T5 {
    const [n, z, y, xx] = x.shape;
    const w = tf.reshape(this.p(`${name}.weight`), [cin, cout * 8]);
    const m = tf.reshape(tf.matMul(tf.reshape(x, [-1, cin]), w), [n, z, y, xx, cout, 2, 2, 2]);
    const t = tf.transpose(m, [0, 1, 5, 2, 6, 3, 7, 4]);
    return this.bias(tf.reshape(t, [n, 2 * z, 2 * y, 2 * xx, cout]), name);
  }

  // Tile's gradient stops at rank 4 in tfjs, so each axis is doubled by stacking a copy next to each voxel.
  upsample(x: T5): T5 {
    let h = x;
    for (const axis of [3, 2, 1]) {
      const shape = [...h.shape];
      shape[axis] *= 2;
      h = tf.reshape(tf.stack([h, h], axis + 1), shape);
    }
    return h;
  }

  norm(x: T5, name: string, _c: number): T5 {
    const { mean, variance } = tf.moments(x, [1, 2, 3], true);
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, NORM_EPS)));
    return tf.add(tf.mul(xhat, this.p(`${name}.weight`)), this.p(`${name}.bias`));
  }

  act(x: T5): T5 {
    return this.spec.activation === 'relu' ? tf.relu(x) : tf.leakyRelu(x, LEAKY_ALPHA);
  }

  dropout(x: T5, p: number, _site: number): T5 {
    return p > 0 && this.training ? tf.dropout(x, p) : x;
  }

  maxPool(x: T5): T5 {
    return tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid');
  }

  add(a: T5, b: T5): T5 {
    return tf.add(a, b);
  }

  concat(a: T5, b: T5): T5 {
    return tf.concat([a, b], 4);
  }
}

/** Forward in tfjs: image [N, C, Z, Y, X] -> logits [N, K, Z, Y, X]. */
export function tfjsForward(spec: ModelSpec, params: Map<string, tf.Tensor>, image: tf.Tensor, training = false): tf.Tensor {
  const ops = new TfjsUNetOps(spec, params);
  ops.training = training;
  const out = buildUNet(ops, spec, tf.transpose(image, [0, 2, 3, 4, 1]));
  return tf.transpose(out, [0, 4, 1, 2, 3]);
}

/** The compiler's losses, in tfjs, on NCZYX logits and labels. */
export function tfjsLoss(spec: ModelSpec, logits: tf.Tensor, label: tf.Tensor, loss: LossKind, diceOverBatch = false): tf.Scalar {
  const softmax = spec.outputActivation === 'softmax';
  const p = softmax ? tf.softmax(tf.transpose(logits, [0, 2, 3, 4, 1])).transpose([0, 4, 1, 2, 3]) : tf.sigmoid(logits);
  const k = spec.outClasses;
  const fg = (t: tf.Tensor) => (softmax ? tf.slice(t, [0, 1, 0, 0, 0], [-1, k - 1, -1, -1, -1]) : t);
  const pf = fg(p);
  const yf = fg(label);
  const axes = diceOverBatch ? [0, 2, 3, 4] : [2, 3, 4];
  const num = tf.add(tf.mul(tf.sum(tf.mul(pf, yf), axes), 2), DICE_EPS);
  const den = tf.add(tf.add(tf.sum(pf, axes), tf.sum(yf, axes)), DICE_EPS);
  const dice = tf.sub(1, tf.mean(tf.div(num, den))) as tf.Scalar;
  if (loss === 'dice') return dice;
  if (softmax) {
    const ls = tf.logSoftmax(tf.transpose(logits, [0, 2, 3, 4, 1]));
    return tf.add(dice, tf.neg(tf.mean(tf.sum(tf.mul(tf.transpose(label, [0, 2, 3, 4, 1]), ls), 4)))) as tf.Scalar;
  }
  const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, label)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.add(dice, tf.mean(bce)) as tf.Scalar;
}

export function toTfParams(weights: WeightSet): Map<string, tf.Tensor> {
  return new Map([...weights].map(([k, v]) => [k, tf.tensor(v.data, v.dims)]));
}

/** Loss and d(loss)/d(param) for every parameter, by tfjs autodiff. */
export function tfjsLossAndGrads(
  spec: ModelSpec,
  weights: WeightSet,
  image: tf.Tensor,
  label: tf.Tensor,
  loss: LossKind,
  diceOverBatch = false,
): { loss: number; grads: Map<string, Float32Array> } {
  const names = [...weights.keys()];
  const f = (...ps: tf.Tensor[]) =>
    tfjsLoss(spec, tfjsForward(spec, new Map(names.map((n, i) => [n, ps[i]])), image, true), label, loss, diceOverBatch);
  const params = names.map((n) => tf.tensor(weights.get(n)!.data, weights.get(n)!.dims));
  const { value, grads } = tf.valueAndGrads(f)(params);
  const out = { loss: value.dataSync()[0], grads: new Map(names.map((n, i) => [n, grads[i].dataSync() as Float32Array])) };
  tf.dispose([...params, value, ...grads]);
  return out;
}
