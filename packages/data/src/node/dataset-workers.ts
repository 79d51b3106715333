import type { SamplePool, SampleWorkers, WorkerDatasetSpec } from '../core/sample-workers.js';
import { ModuleWorkerPool } from './module-worker-pool.js';

/** Options of {@link datasetWorkers}. */
export interface DatasetWorkersOptions {
  /** Node flags for the workers (e.g. `['--conditions=@nnkit/source']`). */
  execArgv?: readonly string[];
}

/**
 * Worker threads for `DataLoader`'s `numWorkers`: each builds its own copy of the data set of
 * `spec` (see {@link WorkerDatasetSpec}) in `module-worker.js` and answers lists of indices with
 * the samples (plain data, structured-cloned). Workers are `unref`ed (they do not keep the
 * process alive); `DataLoader.close()` stops them.
 *
 * @example
 * ```ts
 * import { DataLoader } from '@nnkit/data';
 * import { datasetWorkers } from '@nnkit/data/node';
 * const loader = new DataLoader(ds, {
 *   batchSize: 32,
 *   numWorkers: 4,
 *   workerDataset: datasetWorkers({ module: new URL('./my-dataset.js', import.meta.url).href, args: [1000] }),
 * });
 * ```
 */
export function datasetWorkers(spec: WorkerDatasetSpec, opts: DatasetWorkersOptions = {}): SampleWorkers {
  return {
    spec,
    async start(numWorkers: number): Promise<SamplePool> {
      const pool = await ModuleWorkerPool.start(
        { module: spec.module, export: spec.export ?? 'createDataset', factoryArgs: spec.args ?? [], methods: ['get'], what: 'dataset' },
        numWorkers,
        {
          owner: 'DataLoader',
          unref: true,
          execArgv: opts.execArgv,
          taskError: (calls, message) => `failed on indices [${calls.map((c) => c[0]).join(', ')}]: ${message}`,
        },
      );
      return { get: (indices) => pool.run(indices.map((i) => [i]), 'get'), close: () => pool.close() };
    },
  };
}
