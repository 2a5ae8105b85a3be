/**
 * The seeded random numbers of the data pipeline. Every random choice of a training run (case order,
 * patch centres, augmentation draws) comes from an `Rng` derived from (seed, purpose, counter), never from
 * a stream shared across steps: the batch of step s is then a pure function of (seed, s), which is what
 * lets `--resume` continue exactly as if the run had not stopped.
 *
 * Hand-written because the generator must be tiny, fast and bit-stable across platforms and versions
 * (mulberry32 with a splitmix32 seed hash); npm's seedable generators add nothing for that.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = splitmix32(seed >>> 0);
  }

  /** A generator for one purpose and counter, independent of every other (seed, purpose, n). */
  static derive(seed: number, purpose: string, ...counters: number[]): Rng {
    let h = splitmix32(seed >>> 0);
    for (let i = 0; i < purpose.length; i++) h = splitmix32(h ^ purpose.charCodeAt(i));
    for (const c of counters) h = splitmix32(h ^ (c >>> 0));
    return new Rng(h);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
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
