/**
 * The one seeded random-number generator of Lobule. Everything random (weight initialisation, case order,
 * patch centres, augmentation draws, the workspace split, test fixtures) must be reproducible from a seed, so
 * it all comes from mulberry32 here.
 *
 * `Rng` derives a generator from (seed, purpose, counter) instead of sharing one stream across steps: the
 * batch of training step s is then a pure function of (seed, s), which is what lets `--resume` continue
 * exactly as if the run had not stopped.
 *
 * Hand-written because the generator must be tiny, fast and bit-stable across platforms and versions
 * (mulberry32 with a splitmix32 seed hash); npm's seedable generators add nothing for that.
 */

/** mulberry32: a tiny, well-mixed 32-bit generator; uniform numbers in [0, 1) from the seed's state. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller, one of the pair) from a uniform [0, 1) source. */
export function normalFrom(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Standard normal draws from mulberry32(seed). */
export function seededNormal(seed: number): () => number {
  return normalFrom(mulberry32(seed));
}

export class Rng {
  /** Uniform in [0, 1): mulberry32 seeded with the splitmix32 hash of the seed. */
  readonly next: () => number;
  readonly normal: () => number;

  constructor(seed: number) {
    this.next = mulberry32(splitmix32(seed >>> 0));
    this.normal = normalFrom(this.next);
  }

  /** A generator for one purpose and counter, independent of every other (seed, purpose, n). */
  static derive(seed: number, purpose: string, ...counters: number[]): Rng {
    let h = splitmix32(seed >>> 0);
    for (let i = 0; i < purpose.length; i++) h = splitmix32(h ^ purpose.charCodeAt(i));
    for (const c of counters) h = splitmix32(h ^ (c >>> 0));
    return new Rng(h);
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
