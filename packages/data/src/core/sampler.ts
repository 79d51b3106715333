import { type Generator, defaultGenerator } from './generator.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * Yields dataset indices for one epoch (like `torch.utils.data.Sampler`); `length` is the
 * number of indices per epoch. Iterating again starts a new epoch.
 */
export interface Sampler extends Iterable<number> {
  readonly length: number;
}

/** Yields batches of indices (like a `batch_sampler`); `length` is the number of batches. */
export interface BatchSamplerLike extends Iterable<number[]> {
  readonly length: number;
}

/** Anything with a length (a data set, an array). */
export interface Sized {
  readonly length: number;
}

/**
 * Indices 0..n−1 in order (like `torch.utils.data.SequentialSampler`).
 * @example `[...new SequentialSampler(ds)]` → `[0, 1, ..., ds.length - 1]`
 */
export class SequentialSampler implements Sampler {
  constructor(readonly dataSource: Sized) {}
  get length(): number {
    return this.dataSource.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation per epoch). */
  replacement?: boolean;
  /** Indices per epoch (default: the data set length). */
  numSamples?: number;
  /** Random source (default: the global generator, see `manualSeed`). */
  generator?: Generator;
}

/**
 * Random order (like `torch.utils.data.RandomSampler`): without replacement a fresh
 * permutation per epoch (repeated permutations when `numSamples` > n), with replacement
 * `numSamples` uniform draws.
 * @example `new RandomSampler(ds, { generator: new Generator().manualSeed(0) })`
 */
export class RandomSampler implements Sampler {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly numSamplesOpt: number | undefined;

  constructor(
    readonly dataSource: Sized,
    opts: RandomSamplerOptions = {},
  ) {
    this.replacement = opts.replacement ?? false;
    this.generator = opts.generator;
    this.numSamplesOpt = opts.numSamples;
    if (opts.numSamples !== undefined && (!Number.isInteger(opts.numSamples) || opts.numSamples <= 0)) {
      throw new ArgumentError('RandomSampler', `numSamples should be a positive integer value, but got numSamples=${opts.numSamples}`);
    }
  }

  /** Indices per epoch. */
  get length(): number {
    return this.numSamplesOpt ?? this.dataSource.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const g = this.generator ?? defaultGenerator();
    const m = this.length;
    if (n === 0) return;
    if (this.replacement) {
      for (let i = 0; i < m; i++) yield g.randint(0, n);
      return;
    }
    let left = m;
    while (left > 0) {
      const p = g.randperm(n);
      const take = Math.min(left, n);
      for (let i = 0; i < take; i++) yield p[i]!;
      left -= take;
    }
  }
}

/**
 * The given indices in a random order each epoch (like `torch.utils.data.SubsetRandomSampler`).
 * @example `new SubsetRandomSampler(trainIdx, { generator })`
 */
export class SubsetRandomSampler implements Sampler {
  readonly indices: Int32Array;
  readonly generator: Generator | undefined;

  constructor(indices: Int32Array | readonly number[], opts: { generator?: Generator } = {}) {
    this.indices = Int32Array.from(indices);
    this.generator = opts.generator;
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    const p = (this.generator ?? defaultGenerator()).randperm(this.indices.length);
    for (let i = 0; i < p.length; i++) yield this.indices[p[i]!]!;
  }
}

/** Options of {@link WeightedRandomSampler}. */
export interface WeightedRandomSamplerOptions {
  /** Draw with replacement (default true). */
  replacement?: boolean;
  generator?: Generator;
}

/**
 * Indices 0..len(weights)−1 drawn with probability proportional to `weights` (like
 * `torch.utils.data.WeightedRandomSampler`), e.g. to balance classes.
 * @example `new WeightedRandomSampler(labels.map((y) => 1 / count[y]), labels.length)`
 */
export class WeightedRandomSampler implements Sampler {
  readonly weights: Float64Array;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;

  constructor(
    weights: ArrayLike<number>,
    readonly numSamples: number,
    opts: WeightedRandomSamplerOptions = {},
  ) {
    if (!Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ArgumentError('WeightedRandomSampler', `numSamples should be a positive integer value, but got numSamples=${numSamples}`);
    }
    this.weights = Float64Array.from(weights);
    if (this.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new ArgumentError('WeightedRandomSampler', 'weights must be finite and non-negative');
    this.replacement = opts.replacement ?? true;
    this.generator = opts.generator;
    const positive = this.weights.reduce((a, w) => a + (w > 0 ? 1 : 0), 0);
    if (positive === 0) throw new ArgumentError('WeightedRandomSampler', 'weights sum to zero');
    if (!this.replacement && numSamples > positive) {
      throw new ArgumentError('WeightedRandomSampler', `cannot draw ${numSamples} samples without replacement from ${positive} non-zero weights`);
    }
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator ?? defaultGenerator();
    const w = this.weights;
    const n = w.length;
    if (this.replacement) {
      // cumulative distribution + binary search: O(n + m log n)
      const cdf = new Float64Array(n);
      let s = 0;
      for (let i = 0; i < n; i++) cdf[i] = s += w[i]!;
      for (let k = 0; k < this.numSamples; k++) {
        const u = g.random() * s;
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cdf[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        while (w[lo] === 0 && lo < n - 1) lo++;
        yield lo;
      }
      return;
    }
    // without replacement: Efraimidis–Spirakis keys u^(1/w), take the largest numSamples
    const keys: { i: number; k: number }[] = [];
    for (let i = 0; i < n; i++) if (w[i]! > 0) keys.push({ i, k: Math.log(g.random() || Number.MIN_VALUE) / w[i]! });
    keys.sort((a, b) => b.k - a.k);
    for (let k = 0; k < this.numSamples; k++) yield keys[k]!.i;
  }
}

/**
 * Groups the indices of `sampler` into batches (like `torch.utils.data.BatchSampler`).
 * @example `[...new BatchSampler(new SequentialSampler(range10), 3, false)]` → `[[0,1,2],[3,4,5],[6,7,8],[9]]`
 */
export class BatchSampler implements BatchSamplerLike {
  constructor(
    readonly sampler: Sampler | Iterable<number> & Sized,
    readonly batchSize: number,
    readonly dropLast = false,
  ) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ArgumentError('BatchSampler', `batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    }
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
