/** `UNetOps` over the IR tape: each layer as IR primitives, parameters fetched from a `ParamSource`. */
import type { ModelSpec } from './spec.js';
import { Tape, type Val } from './ir/tape.js';
import { LEAKY_ALPHA, NORM_EPS, buildUNet, type UNetOps } from './unet.js';

/** Returns the Val for a named parameter of the given dims (a graph input when training, an initializer otherwise). */
export type ParamSource = (name: string, dims: number[]) => Val;

export class TapeUNetOps implements UNetOps<Val> {
  constructor(
    private readonly tape: Tape,
    private readonly spec: ModelSpec,
    private readonly param: ParamSource,
    private readonly dropoutSeed = 0,
  ) {}

  conv(x: Val, name: string, cin: number, cout: number, k: 1 | 3): Val {
    const w = this.param(`${name}.weight`, [cout, cin, k, k, k]);
    const b = this.param(`${name}.bias`, [cout]);
    return this.tape.apply({ op: 'conv', k, pad: (k - 1) / 2 }, [x, w, b]);
  }

  downConv(x: Val, name: string, c: number): Val {
    const w = this.param(`${name}.weight`, [c, c, 2, 2, 2]);
    const b = this.param(`${name}.bias`, [c]);
    const w1 = this.tape.apply({ op: 'reshape', shape: [c, c * 8, 1, 1, 1] }, [w]);
    return this.tape.apply({ op: 'conv', k: 1, pad: 0 }, [this.tape.apply({ op: 'unshuffle2' }, [x]), w1, b]);
  }

  upConv(x: Val, name: string, cin: number, cout: number): Val {
    const w = this.param(`${name}.weight`, [cin, cout, 2, 2, 2]);
    const b = this.param(`${name}.bias`, [cout]);
    const wT = this.tape.apply({ op: 'transpose', perm: [1, 2, 3, 4, 0] }, [w]);
    const w1 = this.tape.apply({ op: 'reshape', shape: [cout * 8, cin, 1, 1, 1] }, [wT]);
    const y8 = this.tape.apply({ op: 'conv', k: 1, pad: 0 }, [x, w1]);
    return this.tape.apply({ op: 'biasAdd' }, [this.tape.apply({ op: 'shuffle2' }, [y8]), b]);
  }

  upsample(x: Val): Val {
    return this.tape.apply({ op: 'upsample2' }, [x]);
  }

  norm(x: Val, name: string, c: number): Val {
    const gamma = this.param(`${name}.weight`, [c]);
    const beta = this.param(`${name}.bias`, [c]);
    return this.tape.apply({ op: 'instnorm', eps: NORM_EPS }, [x, gamma, beta]);
  }

  act(x: Val): Val {
    return this.spec.activation === 'relu'
      ? this.tape.apply({ op: 'relu' }, [x])
      : this.tape.apply({ op: 'leakyrelu', alpha: LEAKY_ALPHA }, [x]);
  }

  dropout(x: Val, p: number, site: number): Val {
    return this.tape.apply({ op: 'dropout', p, seed: this.dropoutSeed * 1000 + site }, [x]);
  }

  maxPool(x: Val): Val {
    return this.tape.apply({ op: 'maxpool2' }, [x]);
  }

  add(a: Val, b: Val): Val {
    return this.tape.apply({ op: 'add' }, [a, b]);
  }

  concat(a: Val, b: Val): Val {
    return this.tape.apply({ op: 'concat' }, [a, b]);
  }
}

/** Emits the forward network onto `tape`; returns the logits. */
export function emitUNet(tape: Tape, spec: ModelSpec, image: Val, param: ParamSource, dropoutSeed = 0): Val {
  return buildUNet(new TapeUNetOps(tape, spec, param, dropoutSeed), spec, image);
}
