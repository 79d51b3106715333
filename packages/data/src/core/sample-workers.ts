/**
 * A data set that worker threads can build for themselves: the module that exports a factory,
 * the export's name and its (structured-cloneable) arguments. Like PyTorch's workers, each
 * worker has its own copy of the data set; samples come back by structured clone, so they must
 * be plain data (numbers, typed arrays, arrays, plain objects — not tfjs tensors); the main
 * thread collates them into batches.
 */
export interface WorkerDatasetSpec {
  /** A module path or URL (`new URL('./my-dataset.js', import.meta.url).href`); `.ts` modules load through tsx when installed. */
  module: string;
  /** The export that builds the data set (a function, may be async). Default `'createDataset'`. */
  export?: string;
  /** Arguments of the factory (structured-cloned). */
  args?: unknown[];
}

/** Running sample workers: {@link SampleWorkers.start}'s result. */
export interface SamplePool {
  /** The samples at `indices`, built by one worker. */
  get(indices: number[]): Promise<unknown[]>;
  /** Stops every worker (pending requests are rejected). */
  close(): Promise<void>;
}

/**
 * Worker threads that build a {@link WorkerDatasetSpec} data set, for `DataLoader`'s
 * `workerDataset` option. Made by `datasetWorkers(spec)` of `@nnkit/data/node` (worker threads
 * are Node-only; this main entry stays browser-safe).
 *
 * @example
 * ```ts
 * import { datasetWorkers } from '@nnkit/data/node';
 * const loader = new DataLoader(ds, { batchSize: 32, numWorkers: 4, workerDataset: datasetWorkers({ module, args: [n] }) });
 * ```
 */
export interface SampleWorkers {
  /** The data set the workers build. */
  readonly spec: WorkerDatasetSpec;
  /** Starts `numWorkers` workers and waits until each has built its data set. */
  start(numWorkers: number): Promise<SamplePool>;
}
