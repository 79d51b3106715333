import { defaultCollate, disposeBatch } from './collate.js';
import { type Dataset, IterableDataset } from './dataset.js';
import { ArgumentError } from '@nnkit/tensor';
import type { SamplePool, SampleWorkers } from './sample-workers.js';
import type { Generator } from './generator.js';
import { BatchSampler, type BatchSamplerLike, RandomSampler, type Sampler, SequentialSampler } from './sampler.js';

/** Options of {@link DataLoader} (PyTorch's keyword names in camelCase). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); `null` disables batching: samples are yielded one by one, as they are. */
  batchSize?: number | null;
  /** Reshuffle at every epoch (a {@link RandomSampler} driven by `generator`). Default false. */
  shuffle?: boolean;
  /** Index order; mutually exclusive with `shuffle`. */
  sampler?: Sampler | (Iterable<number> & { readonly length: number });
  /** Batches of indices; mutually exclusive with `batchSize`, `shuffle`, `sampler` and `dropLast`. */
  batchSampler?: BatchSamplerLike;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Merges a list of samples into a batch (default {@link defaultCollate}); may be async. */
  collate?: (samples: T[]) => B | Promise<B>;
  /**
   * Number of batches loaded ahead, asynchronously, while the consumer works on the current
   * one (default 1; 0 = load each batch on demand). At most `prefetch` batches are held
   * beyond the one being consumed.
   */
  prefetch?: number;
  /** Random source of `shuffle` (default: the global generator, see `manualSeed`). */
  generator?: Generator;
  /**
   * Worker threads that build the samples (Node; PyTorch's `num_workers`). 0 (default): samples
   * are built on the calling thread, the asynchronous `get` calls of a batch concurrently —
   * enough for I/O-bound data sets. With `n > 0`, each worker builds its own copy of the data
   * set from `workerDataset` and batches are built by the workers in parallel (CPU-bound
   * transforms: filtering, resampling, augmentation); up to `max(prefetch + 1, 2n)` batches are
   * in flight, delivered in order. The workers start on the first iteration, stay for later
   * epochs and are stopped by {@link DataLoader.close} (they never keep the process alive).
   */
  numWorkers?: number;
  /**
   * The data set as the workers build it (required with `numWorkers > 0`; its samples must be
   * plain data): `datasetWorkers({ module, export, args }, { execArgv })` of `@nnkit/data/node`.
   */
  workerDataset?: SampleWorkers;
  /**
   * With the default collate, dispose the tensors returned by `dataset.get` once they are
   * stacked into the batch (default true: `get` returns fresh tensors the loader owns).
   * Set false when `get` returns tensors you keep (e.g. a cached array of tensors).
   */
  disposeSamples?: boolean;
}

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * Iterates a data set in batches (like `torch.utils.data.DataLoader`), as an async iterable:
 * `for await (const batch of loader)`. Each pass is one epoch (a fresh shuffle when
 * `shuffle` is set). `length` is the number of batches per epoch.
 *
 * Batches are new tensors owned by the consumer: dispose them (see `disposeBatch`) or
 * consume them inside `tidy`. Batches prefetched but not consumed (when you `break` out
 * of the loop) are disposed by the loader.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, generator: new Generator().manualSeed(0) });
 * for await (const [xb, yb] of loader) {   // xb: [32, ...], yb: [32]
 *   // ... train step ...
 *   disposeBatch([xb, yb]);
 * }
 * ```
 */
export class DataLoader<T = unknown, B = unknown> implements AsyncIterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly sampler: (Iterable<number> & { readonly length: number }) | undefined;
  readonly batchSampler: BatchSamplerLike | undefined;
  private readonly collate: ((samples: T[]) => B | Promise<B>) | undefined;
  private readonly disposeSamples: boolean;
  /** Worker threads (see {@link DataLoaderOptions.numWorkers}). */
  readonly numWorkers: number;
  private readonly workerDataset: SampleWorkers | undefined;
  private pool: Promise<SamplePool> | undefined;

  constructor(dataset: Dataset<T> | IterableDataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    const batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) {
      throw new RangeError(`DataLoader: batchSize should be a positive integer or null, got ${batchSize}`);
    }
    const prefetch = opts.prefetch ?? 1;
    if (!Number.isInteger(prefetch) || prefetch < 0) throw new RangeError(`DataLoader: prefetch should be a non-negative integer, got ${prefetch}`);
    const numWorkers = opts.numWorkers ?? 0;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) throw new RangeError(`DataLoader: numWorkers should be a non-negative integer, got ${numWorkers}`);
    if (numWorkers > 0) {
      if (!opts.workerDataset) {
        throw new ArgumentError(
          'DataLoader',
          `numWorkers=${numWorkers} needs workerDataset: datasetWorkers({ module, export, args }) from '@nnkit/data/node' — worker threads cannot share this data set object, ` +
            'each builds its own copy from a module (use numWorkers: 0 to load on this thread)',
        );
      }
      if (typeof (opts.workerDataset as Partial<SampleWorkers>).start !== 'function') {
        throw new ArgumentError(
          'DataLoader',
          `workerDataset should be datasetWorkers({ module, export, args }) from '@nnkit/data/node' (worker threads are Node-only), got a plain ${JSON.stringify(opts.workerDataset)}`,
        );
      }
      if (dataset instanceof IterableDataset) throw new TypeError('DataLoader: numWorkers > 0 is not supported with an IterableDataset');
    }
    this.numWorkers = numWorkers;
    this.workerDataset = opts.workerDataset;
    this.dropLast = opts.dropLast ?? false;
    this.prefetch = prefetch;
    this.collate = opts.collate;
    this.disposeSamples = opts.disposeSamples ?? true;

    if (dataset instanceof IterableDataset) {
      if (opts.shuffle) throw new TypeError('DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true');
      if (opts.sampler) throw new TypeError('DataLoader with IterableDataset: expected unspecified sampler option');
      if (opts.batchSampler) throw new TypeError('DataLoader with IterableDataset: expected unspecified batchSampler option');
    }
    if (opts.sampler && opts.shuffle) throw new TypeError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (opts.batchSampler) {
      if (opts.batchSize !== undefined && opts.batchSize !== 1) throw new TypeError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      if (opts.shuffle || opts.sampler || opts.dropLast) throw new TypeError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      this.batchSize = null;
      this.batchSampler = opts.batchSampler;
      this.sampler = undefined;
      return;
    }
    if (batchSize === null && this.dropLast) throw new TypeError('DataLoader: batchSize=null option disables auto-batching and is mutually exclusive with dropLast');
    this.batchSize = batchSize;
    if (dataset instanceof IterableDataset) {
      this.sampler = undefined;
      this.batchSampler = undefined;
      return;
    }
    this.sampler =
      opts.sampler ?? (opts.shuffle ? new RandomSampler(dataset, opts.generator ? { generator: opts.generator } : {}) : new SequentialSampler(dataset));
    this.batchSampler = batchSize === null ? undefined : new BatchSampler(this.sampler, batchSize, this.dropLast);
  }

  /** Number of batches per epoch (samples when `batchSize` is null). */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    if (this.sampler) return this.sampler.length;
    const n = (this.dataset as { length?: unknown }).length;
    if (typeof n !== 'number') throw new TypeError('DataLoader: this IterableDataset has no length');
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  private async collateSamples(samples: T[]): Promise<B> {
    if (this.collate) return await this.collate(samples);
    try {
      return defaultCollate<B>(samples);
    } finally {
      if (this.disposeSamples) disposeBatch(samples);
    }
  }

  private workers(): Promise<SamplePool> {
    this.pool ??= this.workerDataset!.start(this.numWorkers);
    return this.pool;
  }

  /** Stops the worker threads, if any (a later iteration starts new ones). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool.catch(() => undefined))?.close();
  }

  private async fetchBatch(indices: number[]): Promise<B> {
    if (this.numWorkers > 0) return this.collateSamples((await (await this.workers()).get(indices)) as T[]);
    const ds = this.dataset as Dataset<T>;
    if (!this.collate && typeof ds.getBatch === 'function') return (await ds.getBatch(indices)) as B;
    const items = indices.map((i) => ds.get(i));
    const samples = items.some(isPromise) ? await Promise.all(items) : (items as T[]);
    return this.collateSamples(samples);
  }

  /** One epoch of batches. */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.dataset instanceof IterableDataset) {
      yield* this.iterateStream(this.dataset);
      return;
    }
    const ds = this.dataset;
    const source: Iterator<number[] | number> = (this.batchSampler ?? this.sampler!)[Symbol.iterator]();
    const unbatched = !this.batchSampler;
    const queue: Promise<B>[] = [];
    const one = (i: number): Promise<T> => (this.numWorkers > 0 ? this.workers().then(async (w) => (await w.get([i]))[0] as T) : Promise.resolve(ds.get(i)));
    const startNext = (): boolean => {
      const r = source.next();
      if (r.done) return false;
      const p = unbatched ? one(r.value as number).then((v) => v as unknown as B) : this.fetchBatch(r.value as number[]);
      p.catch(() => {}); // rejections are re-thrown when the batch is awaited
      queue.push(p);
      return true;
    };
    let exhausted = false;
    const inFlight = Math.max(this.prefetch + 1, 2 * this.numWorkers);
    try {
      while (true) {
        while (!exhausted && queue.length < inFlight) exhausted = !startNext();
        const p = queue.shift();
        if (!p) return;
        yield await p;
      }
    } finally {
      // consumer stopped early (or a batch failed): release what was loaded ahead
      const pending = queue.splice(0);
      await Promise.all(pending.map((p) => p.then((b) => disposeBatch(b), () => {})));
    }
  }

  private async *iterateStream(ds: IterableDataset<T>): AsyncGenerator<B> {
    if (this.batchSize === null) {
      for await (const s of ds) yield s as unknown as B;
      return;
    }
    let buf: T[] = [];
    for await (const s of ds) {
      buf.push(s);
      if (buf.length === this.batchSize) {
        const b = buf;
        buf = [];
        yield await this.collateSamples(b);
      }
    }
    if (buf.length > 0 && !this.dropLast) yield await this.collateSamples(buf);
  }
}
