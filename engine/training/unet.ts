/**
 * The U-Net topology, written once against `UNetOps` so that the ONNX compiler, the TF.js oracle and the weight
 * initialiser all build the very same network with the very same parameter names.
 *
 * Parameter names and ONNX/PyTorch layouts: `<layer>.weight` is [Cout, Cin, k, k, k] for convs and
 * [Cin, Cout, 2, 2, 2] for transposed convs; `<layer>.bias` is [Cout]; norms have `.weight`/`.bias` [C].
 */
import type { ModelSpec } from './spec.js';

export interface UNetOps<T> {
  /** Stride-1 'same' conv with bias, kernel 1 or 3. */
  conv(x: T, name: string, cin: number, cout: number, k: 1 | 3): T;
  /** 2x2x2 conv with stride 2, c -> c. */
  downConv(x: T, name: string, c: number): T;
  /** 2x2x2 transposed conv with stride 2. */
  upConv(x: T, name: string, cin: number, cout: number): T;
  /** Nearest-neighbour x2. */
  upsample(x: T): T;
  norm(x: T, name: string, c: number): T;
  act(x: T): T;
  dropout(x: T, p: number, site: number): T;
  maxPool(x: T): T;
  add(a: T, b: T): T;
  concat(a: T, b: T): T;
}

export const LEAKY_ALPHA = 0.01;
export const NORM_EPS = 1e-5;

function block<T>(ops: UNetOps<T>, spec: ModelSpec, x: T, name: string, cin: number, cout: number, site: number): T {
  let h = ops.act(ops.norm(ops.conv(x, `${name}.conv1`, cin, cout, 3), `${name}.norm1`, cout));
  if (spec.dropout > 0) h = ops.dropout(h, spec.dropout, site);
  h = ops.norm(ops.conv(h, `${name}.conv2`, cout, cout, 3), `${name}.norm2`, cout);
  if (spec.block === 'plain') return ops.act(h);
  const skip = ops.norm(ops.conv(x, `${name}.skip`, cin, cout, 1), `${name}.skipnorm`, cout);
  return ops.act(ops.add(h, skip));
}

/** Builds the network on `ops` from image x [N, inChannels, Z, Y, X]; returns logits [N, outClasses, Z, Y, X]. */
export function buildUNet<T>(ops: UNetOps<T>, spec: ModelSpec, x: T): T {
  const ch = spec.channels;
  const skips: T[] = [];
  let h = x;
  let cin = spec.inChannels;
  let site = 0;
  for (let level = 0; level < ch.length; level++) {
    if (level > 0) h = spec.down === 'maxpool' ? ops.maxPool(h) : ops.downConv(h, `down${level}`, cin);
    h = block(ops, spec, h, `enc${level}`, cin, ch[level], site++);
    cin = ch[level];
    skips.push(h);
  }
  for (let level = ch.length - 2; level >= 0; level--) {
    const c = ch[level];
    // upsample+conv: the 1x1 conv commutes with nearest upsampling, so it runs at the coarse resolution.
    const up =
      spec.up === 'transposed'
        ? ops.upConv(h, `up${level}`, ch[level + 1], c)
        : ops.upsample(ops.conv(h, `up${level}`, ch[level + 1], c, 1));
    h = block(ops, spec, ops.concat(skips[level], up), `dec${level}`, 2 * c, c, site++);
  }
  return ops.conv(h, 'head', ch[0], spec.outClasses, 1);
}
