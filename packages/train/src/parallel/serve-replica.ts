import { Replica, type ReplicaModel } from './replica.js';
import type { ReplicaMessage, ReplicaTask } from './protocol.js';

/** The worker's own scope as {@link serveReplica} uses it (`self` in a Web Worker, or a `MessagePort`). */
export interface ReplicaScope {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  start?(): void;
}

const describe = (e: unknown): string => String((e && typeof e === 'object' && 'stack' in e && e.stack) || e);

/**
 * The worker side of data-parallel training in a browser Web Worker: builds the model with
 * `factory` (after e.g. `initBackend()`), then answers the main thread's steps with the protocol
 * of Node's module worker (the same messages `startDataParallel` uses in Node). Call it at the
 * top of the worker module; the main thread passes the workers to `DataParallel.start`.
 * Results' buffers are transferred, not copied.
 *
 * @example
 * ```ts
 * // replica.worker.ts
 * import { serveReplica } from '@nnkit/train';
 * import { initBackend } from '@nnkit/tensor';
 * serveReplica(self, async () => { await initBackend('wasm'); return new EEGTCNet({ nChans: 3, nClasses: 2 }); });
 * ```
 */
export function serveReplica(scope: ReplicaScope, factory: () => ReplicaModel | Promise<ReplicaModel>): void {
  const post = (m: ReplicaMessage, transfer: unknown[] = []): void => scope.postMessage(m, transfer);
  let replica: Replica | undefined;
  const started = (async () => {
    try {
      replica = new Replica(await factory());
      post({ type: 'ready' });
    } catch (e) {
      post({ type: 'fatal', message: describe(e) });
    }
  })();
  scope.addEventListener('message', (e) => {
    const task = e.data as ReplicaTask;
    void started.then(() => {
      if (!replica) return;
      try {
        if (task.method === 'layout') return post({ type: 'result', id: task.id, results: [replica.layout()] });
        const r = replica.step(task.calls[0]![0] as Parameters<Replica['step']>[0]);
        post({ type: 'result', id: task.id, results: [r] }, [r.grads.buffer, r.hasGrad.buffer, r.state.buffer] as unknown[]);
      } catch (err) {
        post({ type: 'error', id: task.id, message: describe(err) });
      }
    });
  });
  scope.start?.();
}
