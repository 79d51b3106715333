import type { TrialContext, TrialModule, TrialResult } from './types.js';
import { NnkitError } from '@nnkit/tensor';

/** Source of each worker (CommonJS, run with `eval: true`): imports the trial module, runs tasks. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const fail = (e) => String((e && e.stack) || e);
(async () => {
  let fn;
  try {
    const spec = workerData.module;
    const url = /^[a-z]+:/i.test(spec) && !/^[a-z]:[\\\\/]/i.test(spec) ? spec : pathToFileURL(spec).href;
    let mod;
    if (/\\.[cm]?ts$/.test(url)) {
      // TypeScript trial modules load through tsx (Node 20 does not apply --import loaders to eval workers)
      let api;
      try { api = await import('tsx/esm/api'); } catch (e) { throw new Error('a TypeScript trial module needs the tsx package (or point to compiled JavaScript): ' + fail(e)); }
      mod = await api.tsImport(url, url);
    } else mod = await import(url);
    if (workerData.setup) {
      if (typeof mod[workerData.setup] !== 'function') throw new Error("export '" + workerData.setup + "' of " + spec + ' is not a function');
      await mod[workerData.setup]();
    }
    fn = mod[workerData.exportName];
    if (typeof fn !== 'function') throw new Error("export '" + workerData.exportName + "' of " + spec + ' is not a function');
  } catch (e) {
    parentPort.postMessage({ type: 'fatal', message: fail(e) });
    return;
  }
  parentPort.on('message', async (task) => {
    try {
      const result = await fn({ ...task.ctx, data: workerData.data });
      parentPort.postMessage({ type: 'result', id: task.id, result });
    } catch (e) {
      parentPort.postMessage({ type: 'error', id: task.id, message: fail(e) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})();
`;

type Msg = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'result'; id: number; result: TrialResult } | { type: 'error'; id: number; message: string };
type Task = Omit<TrialContext, 'data'>;

/**
 * Runs trials of a {@link TrialModule} on `size` Node worker threads (each imports the module
 * once and keeps its own tfjs backend). Tasks are queued; results come back as promises.
 */
export class TrialWorkerPool {
  private readonly workers: import('node:worker_threads').Worker[] = [];
  private readonly idle: import('node:worker_threads').Worker[] = [];
  private readonly queue: Array<{ id: number; ctx: Task; resolve: (r: TrialResult) => void; reject: (e: Error) => void }> = [];
  private readonly running = new Map<number, { resolve: (r: TrialResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private fatal: Error | undefined;

  private constructor() {}

  /** Starts `size` workers and waits until each has imported the module (and run `setup`). */
  static async start(spec: TrialModule, size: number, data: unknown, execArgv?: readonly string[]): Promise<TrialWorkerPool> {
    const { Worker } = await import('node:worker_threads');
    const pool = new TrialWorkerPool();
    const workerData = { module: spec.module, exportName: spec.export ?? 'trial', setup: spec.setup, data };
    await Promise.all(
      Array.from({ length: size }, () => {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData, ...(execArgv ? { execArgv: [...execArgv] } : {}) });
        pool.workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: Msg) => {
            if (m.type === 'ready') {
              pool.idle.push(w);
              pool.pump();
              resolve();
            } else if (m.type === 'fatal') reject(new NnkitError(`gridSearch worker could not load the trial: ${m.message}`));
            else pool.settle(w, m);
          });
          w.on('error', (e) => {
            pool.fatal = e;
            reject(e);
            for (const r of pool.running.values()) r.reject(e);
          });
        });
      }),
    ).catch(async (e: unknown) => {
      await pool.close();
      throw e;
    });
    return pool;
  }

  private readonly busy = new Map<import('node:worker_threads').Worker, number>();

  private settle(w: import('node:worker_threads').Worker, m: Msg): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const r = this.running.get(m.id);
    this.running.delete(m.id);
    this.busy.delete(w);
    this.idle.push(w);
    if (r) {
      if (m.type === 'result') r.resolve(m.result);
      else r.reject(new NnkitError(`trial failed in a worker: ${m.message}`));
    }
    this.pump();
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!;
      const t = this.queue.shift()!;
      this.running.set(t.id, t);
      this.busy.set(w, t.id);
      w.postMessage({ id: t.id, ctx: t.ctx });
    }
  }

  /** Queues one trial. */
  run(ctx: Task): Promise<TrialResult> {
    if (this.fatal) return Promise.reject(this.fatal);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, ctx, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
