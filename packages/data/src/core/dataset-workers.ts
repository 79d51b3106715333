import { NnkitError, StateError } from '@nnkit/tensor';
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

/** Source of each worker (CommonJS, run with `eval: true`): builds the data set, answers index lists. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const fail = (e) => String((e && e.stack) || e);
(async () => {
  let ds;
  try {
    const spec = workerData.module;
    const url = /^[a-z]+:/i.test(spec) && !/^[a-z]:[\\\\/]/i.test(spec) ? spec : pathToFileURL(spec).href;
    let mod;
    if (/\\.[cm]?ts$/.test(url)) {
      let api;
      try { api = await import('tsx/esm/api'); } catch (e) { throw new Error('a TypeScript dataset module needs the tsx package (or point to compiled JavaScript): ' + fail(e)); }
      mod = await api.tsImport(url, url);
    } else mod = await import(url);
    const make = mod[workerData.exportName];
    if (typeof make !== 'function') throw new Error("export '" + workerData.exportName + "' of " + spec + ' is not a function');
    ds = await make(...workerData.args);
    if (!ds || typeof ds.get !== 'function') throw new Error("export '" + workerData.exportName + "' of " + spec + ' did not return a data set (an object with get(index))');
  } catch (e) {
    parentPort.postMessage({ type: 'fatal', message: fail(e) });
    return;
  }
  parentPort.on('message', async (task) => {
    try {
      const samples = await Promise.all(task.indices.map((i) => ds.get(i)));
      parentPort.postMessage({ type: 'result', id: task.id, samples });
    } catch (e) {
      parentPort.postMessage({ type: 'error', id: task.id, message: fail(e) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})();
`;

type Msg = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'result'; id: number; samples: unknown[] } | { type: 'error'; id: number; message: string };
type Worker = import('node:worker_threads').Worker;
interface Pending {
  id: number;
  indices: number[];
  resolve: (s: unknown[]) => void;
  reject: (e: Error) => void;
}

/**
 * `size` Node worker threads, each holding its own copy of a {@link WorkerDatasetSpec} data set;
 * {@link DatasetWorkerPool.get} sends a list of indices to an idle worker and resolves with the
 * samples. Workers are `unref`ed (they do not keep the process alive); {@link close} stops them.
 * @internal
 */
export class DatasetWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 0;
  private failed: Error | undefined;

  private constructor() {}

  /** Starts the workers and waits until each has built its data set. */
  static async start(spec: WorkerDatasetSpec, size: number, execArgv?: readonly string[]): Promise<DatasetWorkerPool> {
    const { Worker } = await import('node:worker_threads');
    const pool = new DatasetWorkerPool();
    const workerData = { module: spec.module, exportName: spec.export ?? 'createDataset', args: spec.args ?? [] };
    await Promise.all(
      Array.from({ length: size }, () => {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData, ...(execArgv ? { execArgv: [...execArgv] } : {}) });
        w.unref();
        pool.workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: Msg) => {
            if (m.type === 'ready') {
              pool.idle.push(w);
              pool.pump();
              resolve();
            } else if (m.type === 'fatal') reject(new NnkitError(`DataLoader worker could not build the data set: ${m.message}`));
            else pool.settle(w, m);
          });
          w.on('error', (e) => {
            pool.failed = e;
            reject(e);
            pool.running.get(w)?.reject(e);
          });
        });
      }),
    ).catch(async (e: unknown) => {
      await pool.close();
      throw e;
    });
    return pool;
  }

  private settle(w: Worker, m: Msg): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.running.get(w);
    this.running.delete(w);
    this.idle.push(w);
    if (p) {
      if (m.type === 'result') p.resolve(m.samples);
      else p.reject(new NnkitError(`DataLoader worker failed on indices [${p.indices.join(', ')}]: ${m.message}`));
    }
    this.pump();
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!;
      const p = this.queue.shift()!;
      this.running.set(w, p);
      w.postMessage({ id: p.id, indices: p.indices });
    }
  }

  /** The samples at `indices`, built by one worker. */
  get(indices: number[]): Promise<unknown[]> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, indices, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker (pending requests are rejected). */
  async close(): Promise<void> {
    const stopped = new StateError('DataLoader', 'the workers were closed');
    for (const p of [...this.queue.splice(0), ...this.running.values()]) p.reject(stopped);
    this.running.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
