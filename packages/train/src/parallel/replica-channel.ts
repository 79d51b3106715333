import { StateError } from '@nnkit/tensor';
import type { ReplicaMessage, ReplicaTask } from './protocol.js';

/**
 * The main thread's side of one replica worker: a browser `Worker` (or a `MessagePort`), or a
 * Node `worker_threads` Worker adapted by `startDataParallel`. `onFailure` reports a crash (an
 * uncaught error, the worker exiting) with a description.
 */
export interface ReplicaEndpoint {
  postMessage(message: ReplicaTask, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: ReplicaMessage) => void): void;
  onFailure(listener: (reason: string) => void): void;
  terminate(): void | Promise<unknown>;
}

/** The shape of a browser `Worker` / `MessagePort` (what {@link webWorkerEndpoint} adapts). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: unknown[]): void;
  addEventListener(type: string, listener: (e: { data?: unknown; message?: string }) => void): void;
  terminate?(): void;
  close?(): void;
  start?(): void;
}

/**
 * Adapts a browser Web Worker (or a `MessagePort`) serving {@link serveReplica} to a
 * {@link ReplicaEndpoint}: `error` and `messageerror` events count as a crash.
 *
 * @example
 * ```ts
 * const ep = webWorkerEndpoint(new Worker(new URL('./replica.js', import.meta.url), { type: 'module' }));
 * ```
 */
export function webWorkerEndpoint(worker: WebWorkerLike): ReplicaEndpoint {
  return {
    postMessage: (m, transfer) => worker.postMessage(m, transfer),
    onMessage: (l) => {
      worker.addEventListener('message', (e) => l(e.data as ReplicaMessage));
      worker.start?.();
    },
    onFailure: (l) => {
      worker.addEventListener('error', (e) => l(e.message ?? 'the worker raised an error'));
      worker.addEventListener('messageerror', () => l('a message from the worker could not be read'));
    },
    terminate: () => (worker.terminate ? worker.terminate() : worker.close?.()),
  };
}

interface Pending {
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * One replica worker seen from the main thread: waits for `ready`, sends tasks with their
 * transfer lists, matches answers by id, and turns a worker error, a crash or a `close` into a
 * rejected promise — a {@link StateError} naming the worker — never a hang.
 *
 * @example
 * ```ts
 * const ch = new ReplicaChannel(webWorkerEndpoint(worker), 'DataParallel worker 0');
 * await ch.whenReady();
 * const layout = await ch.call<ReplicaLayout>('layout', null);
 * ```
 */
export class ReplicaChannel {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: StateError | undefined;
  private readonly ready: Promise<void>;

  constructor(
    private readonly endpoint: ReplicaEndpoint,
    /** For messages: `DataParallel worker 1`. */
    readonly name: string,
  ) {
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => {}); // observed through `call`
    const fail = (detail: string): void => {
      if (this.failure) return;
      this.failure = new StateError(this.name, detail);
      readyReject(this.failure);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    endpoint.onMessage((m) => {
      if (m.type === 'ready') readyResolve();
      else if (m.type === 'fatal') fail(`could not start: ${m.message}`);
      else {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.type === 'result') p?.resolve(m.results[0]);
        else p?.reject(new StateError(this.name, `step failed: ${m.message}`));
      }
    });
    endpoint.onFailure((reason) => fail(`crashed: ${reason}`));
    this.fail = fail;
  }

  private readonly fail: (detail: string) => void;

  /** Resolves once the worker has built its model (rejects if it could not). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Runs `method(arg)` in the worker; `transfer` lists buffers moved, not copied. */
  async call<R>(method: ReplicaTask['method'], arg: unknown, transfer: ArrayBuffer[] = []): Promise<R> {
    await this.ready;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.endpoint.postMessage({ id, method, calls: [[arg]] }, transfer);
    });
  }

  /** Stops the worker; pending calls reject. */
  async close(): Promise<void> {
    this.fail('the worker was closed');
    await this.endpoint.terminate();
  }
}
