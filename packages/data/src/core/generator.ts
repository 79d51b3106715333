import { ArgumentError } from '@nnkit/tensor';
/**
 * Seeded pseudo-random generator (xoshiro128**, seeded through splitmix32), the nnkit
 * counterpart of `torch.Generator`: one generator drives shuffling, sampling and splits,
 * so the same seed gives the same batches.
 */

/** JSON-serialisable state of a {@link Generator} (store it in checkpoints). */
export interface GeneratorState {
  algorithm: 'xoshiro128**';
  /** The seed last passed to `manualSeed`. */
  seed: number;
  /** The four 32-bit words of the xoshiro128** state (unsigned). */
  s: [number, number, number, number];
}

const TWO32 = 4294967296;

function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let t = state.x ^ (state.x >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return t >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded random number generator (xoshiro128** by Blackman & Vigna, state seeded with
 * splitmix32). Fast, 2^128 − 1 period, and fully reproducible across platforms.
 *
 * @example
 * ```ts
 * const g = new Generator().manualSeed(42);
 * const perm = g.randperm(10); // Int32Array, same for every run with seed 42
 * const u = g.random();        // float in [0, 1)
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seedValue = 0;

  /** @param seed - initial seed (a non-negative safe integer); default: a random seed. */
  constructor(seed?: number) {
    this.manualSeed(seed ?? Math.floor(Math.random() * TWO32));
  }

  /** Re-seeds the generator (like `torch.Generator.manual_seed`); returns `this`. */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ArgumentError('Generator.manualSeed', `seed must be a non-negative safe integer, got ${seed}`);
    }
    this.seedValue = seed;
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO32) >>> 0;
    const st = { x: lo };
    const mixHi = splitmix32({ x: hi ^ 0x5bd1e995 });
    st.x = (st.x ^ mixHi) | 0;
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    return this;
  }

  /** The seed last set with {@link manualSeed} (like `torch.Generator.initial_seed`). */
  initialSeed(): number {
    return this.seedValue;
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /**
   * A uniform integer in [low, high) (like `torch.randint(low, high)`), without modulo bias.
   * @example `g.randint(0, 6)` → one of 0..5
   */
  randint(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new ArgumentError('Generator.randint', `need integers low < high, got [${low}, ${high})`);
    }
    const n = high - low;
    if (n <= TWO32) {
      // rejection sampling on 32 bits: accept values below the largest multiple of n
      const limit = TWO32 - (TWO32 % n);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % n);
    }
    if (!Number.isSafeInteger(n)) throw new ArgumentError('Generator.randint', `range too large (${n})`);
    return low + Math.floor(this.random() * n);
  }

  /** A standard normal sample (Box–Muller) scaled to `mean`, `std`. */
  normal(mean = 0, std = 1): number {
    let u = this.random();
    while (u === 0) u = this.random();
    const v = this.random();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `n` uniform floats in [0, 1) (like `torch.rand(n)`). */
  rand(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.random();
    return out;
  }

  /** `n` standard normal floats (like `torch.randn(n)`). */
  randn(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /**
   * A random permutation of 0..n−1 (Fisher–Yates), like `torch.randperm(n)`.
   * @example `g.randperm(4)` → e.g. Int32Array [2, 0, 3, 1]
   */
  randperm(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError('Generator.randperm', `n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(0, i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** In-place Fisher–Yates shuffle of an array or typed array; returns it. */
  shuffle<A extends { length: number; [i: number]: unknown }>(a: A): A {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.randint(0, i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A serialisable snapshot of the state (like `torch.Generator.get_state`). */
  getState(): GeneratorState {
    return { algorithm: 'xoshiro128**', seed: this.seedValue, s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /** Restores a state from {@link getState} (e.g. read back from a JSON checkpoint); returns `this`. */
  setState(state: GeneratorState): this {
    const ok =
      state !== null &&
      typeof state === 'object' &&
      state.algorithm === 'xoshiro128**' &&
      Array.isArray(state.s) &&
      state.s.length === 4 &&
      state.s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO32) &&
      state.s.some((w) => w !== 0);
    if (!ok) throw new ArgumentError('Generator.setState', `not a xoshiro128** state: ${JSON.stringify(state)}`);
    this.seedValue = typeof state.seed === 'number' ? state.seed : 0;
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((w) => w | 0) as [number, number, number, number];
    return this;
  }

  /** An independent copy with the same state. */
  clone(): Generator {
    return new Generator(0).setState(this.getState());
  }
}

let globalGenerator: Generator | undefined;

/**
 * The process-wide default generator used when no `generator` option is given
 * (created lazily with a random seed; seed it with {@link manualSeed}).
 * @example `defaultGenerator().randint(0, 10)`
 */
export function defaultGenerator(): Generator {
  globalGenerator ??= new Generator();
  return globalGenerator;
}

/**
 * Seeds the default generator (like `torch.manual_seed`); returns it.
 * @example `manualSeed(0); new DataLoader(ds, { shuffle: true })` → reproducible order
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator().manualSeed(seed);
}
