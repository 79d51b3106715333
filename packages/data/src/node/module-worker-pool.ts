import { Worker } from 'node:worker_threads';
import { StateError } from '@nnkit/tensor';
import type { ModuleWorkerInit, WorkerMessage, WorkerTask } from './module-worker-protocol.js';

/** Options of {@link ModuleWorkerPool.start}. */
export interface ModuleWorkerPoolOptions {
  /** Node flags of the workers (e.g. `['--conditions=@nnkit/source']`). */
  execArgv?: readonly string[] | undefined;
  /** `unref` the workers, so they do not keep the process alive (default false). */
  unref?: boolean;
  /** Who uses the pool, for messages (`'DataLoader'`, `'gridSearch'`). */
  owner: string;
  /** Message of a failed task, given the task's argument lists and the worker's error text. */
  taskError?: (calls: unknown[][], message: string) => string;
}

interface Pending {
  task: WorkerTask;
  resolve: (r: unknown[]) => void;
  reject: (e: Error) => void;
}

/** The worker entry: a real module file next to this one (plain JavaScript, the same in src/ and dist/). */
export const MODULE_WORKER_URL = new URL('./module-worker.js', import.meta.url);

/**
 * `size` Node worker threads running `module-worker.js`, each loading the same module once
 * (a data set factory for DataLoader workers, a trial function for gridSearch); tasks queue and
 * go to the next idle worker. Used by {@link datasetWorkers} here and by `gridSearch` in
 * `@nnkit/train/node`.
 *
 * @example
 * ```ts
 * const pool = await ModuleWorkerPool.start({ module: '/abs/trial.js', export: 'trial', what: 'trial' }, 2, { owner: 'search' });
 * const [result] = await pool.run([[{ params: { lr: 0.1 } }]]);
 * await pool.close();
 * ```
 */
export class ModuleWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 0;
  private failed: Error | undefined;

  private constructor(private readonly opts: ModuleWorkerPoolOptions) {}

  /** Starts `size` workers and waits until each has loaded the module (rejects with the first worker's error). */
  static async start(init: ModuleWorkerInit, size: number, opts: ModuleWorkerPoolOptions): Promise<ModuleWorkerPool> {
    const pool = new ModuleWorkerPool(opts);
    await Promise.all(
      Array.from({ length: size }, () => {
        const w = new Worker(MODULE_WORKER_URL, { workerData: init, ...(opts.execArgv ? { execArgv: [...opts.execArgv] } : {}) });
        if (opts.unref) w.unref();
        pool.workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: WorkerMessage) => {
            if (m.type === 'ready') {
              pool.idle.push(w);
              pool.pump();
              resolve();
            } else if (m.type === 'fatal') reject(new StateError(`${opts.owner} worker`, `could not load ${init.module}: ${m.message}`));
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

  private settle(w: Worker, m: WorkerMessage): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.running.get(w);
    this.running.delete(w);
    this.idle.push(w);
    if (p) {
      if (m.type === 'result') p.resolve(m.results);
      else p.reject(new StateError(`${this.opts.owner} worker`, this.opts.taskError?.(p.task.calls, m.message) ?? `task failed: ${m.message}`));
    }
    this.pump();
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!;
      const p = this.queue.shift()!;
      this.running.set(w, p);
      w.postMessage(p.task);
    }
  }

  /** Runs one task on the next idle worker: one result per argument list of `calls`. */
  run(calls: unknown[][], method?: string): Promise<unknown[]> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: this.nextId++, method, calls }, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker; queued and running tasks are rejected. */
  async close(): Promise<void> {
    const stopped = new StateError(`${this.opts.owner} worker`, 'the workers were closed');
    for (const p of [...this.queue.splice(0), ...this.running.values()]) p.reject(stopped);
    this.running.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
