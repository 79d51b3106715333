import { Worker } from 'node:worker_threads';
import { MODULE_WORKER_URL, type ModuleWorkerInit } from '@nnkit/data/node';
import { ArgumentError, backendName, type BackendName } from '@nnkit/tensor';
import { DataParallel } from '../parallel/data-parallel.js';
import type { ReplicaEndpoint } from '../parallel/replica-channel.js';
import type { ReplicaMessage } from '../parallel/protocol.js';

/** Where a worker finds the model: `(await import(module))[export](options)` → a Module or `{ model, lossFn }`. */
export interface ReplicaModelSpec {
  /** Absolute path or URL of the module (`.ts` loads through tsx when installed). */
  module: string;
  /** The factory's export name (default `'default'`). */
  export?: string | undefined;
  /** The factory's one argument (structured-cloneable). */
  options?: unknown;
}

/** Options of {@link startDataParallel}. */
export interface StartDataParallelOptions {
  /** Number of worker threads (≥ 1); e.g. the number of cores. */
  workers: number;
  /** The model factory each worker calls once. */
  model: ReplicaModelSpec;
  /** The workers' backend; default the main thread's (`backendName()`), else wasm with cpu fallback. */
  backend?: BackendName | undefined;
  /** Node flags of the workers; default the main thread's. */
  execArgv?: readonly string[] | undefined;
}

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './replica-entry.ts' : './replica-entry.js', import.meta.url);

function nodeEndpoint(w: Worker): ReplicaEndpoint {
  let terminating = false;
  return {
    postMessage: (m, transfer) => w.postMessage(m, transfer),
    onMessage: (l) => void w.on('message', (m: ReplicaMessage) => l(m)),
    onFailure: (l) => {
      w.on('error', (e) => l(e?.message ?? String(e)));
      w.on('messageerror', (e) => l(`a message could not be read: ${e.message}`));
      w.on('exit', (code) => {
        if (!terminating) l(`the worker thread exited (code ${code})`);
      });
    },
    terminate: () => {
      terminating = true;
      return w.terminate();
    },
  };
}

/**
 * Starts data-parallel training on `workers` Node worker threads (each its own tfjs backend,
 * loading the model factory once; the worker is `@nnkit/data/node`'s module worker). Pass the
 * result to `runner.fit(loader, { dataParallel })` and `close()` it when done. See
 * {@link DataParallel} for the semantics (shards, reduction order, batch norm).
 *
 * @example
 * ```ts
 * import { startDataParallel } from '@nnkit/train/node';
 * const dp = await startDataParallel({ workers: 2, model: { module: new URL('./model.js', import.meta.url).href, export: 'createModel', options: { nChans: 3 } } });
 * try {
 *   await runner.fit(trainLoader, { epochs: 100, dataParallel: dp }); // batches [64, 3, 1000] → 2 shards of 32
 * } finally {
 *   await dp.close();
 * }
 * ```
 */
export async function startDataParallel(opts: StartDataParallelOptions): Promise<DataParallel> {
  if (!opts || !Number.isInteger(opts.workers) || opts.workers < 1) throw new ArgumentError('startDataParallel', `workers must be an integer ≥ 1, got ${opts?.workers}`);
  if (typeof opts.model?.module !== 'string') throw new ArgumentError('startDataParallel', 'model must be { module, export?, options? } with a module path or URL');
  const init: ModuleWorkerInit = {
    module: ENTRY.href,
    export: 'createReplica',
    factoryArgs: [{ ...opts.model, backend: opts.backend ?? backendName() }],
    methods: ['step', 'layout'],
    transferResults: true,
    what: 'model',
  };
  const workers = Array.from({ length: opts.workers }, () => new Worker(MODULE_WORKER_URL, { workerData: init, ...(opts.execArgv ? { execArgv: [...opts.execArgv] } : {}) }));
  return DataParallel.start(workers.map(nodeEndpoint));
}
