import { MessageChannel } from 'node:worker_threads';
import { backward, crossEntropy, type Module } from '@nnkit/nn';
import { initBackend, StateError } from '@nnkit/tensor';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from './__fixtures__/replica-models.js';
import { DataParallel } from './data-parallel.js';
import { type ReplicaScope, serveReplica } from './serve-replica.js';
import type { WebWorkerLike } from './replica-channel.js';

beforeAll(async () => {
  await initBackend();
});

/** Replicas served in this thread over MessageChannels: the browser transport's protocol without a browser. */
function inProcess(n: number, factory: () => Module = () => createModel()): { workers: WebWorkerLike[]; ports: MessagePort[] } {
  const workers: WebWorkerLike[] = [];
  const ports: MessagePort[] = [];
  for (let i = 0; i < n; i++) {
    const { port1, port2 } = new MessageChannel();
    serveReplica(port2 as unknown as ReplicaScope, factory);
    workers.push(port1 as unknown as WebWorkerLike);
    ports.push(port2 as unknown as MessagePort);
  }
  return { workers, ports };
}

describe('serveReplica over postMessage (the Web Worker transport)', () => {
  it('2 replicas over MessageChannels give the full batch gradient (1e-5)', async () => {
    const { workers, ports } = inProcess(2);
    const dp = await DataParallel.start(workers);
    const x = tensor(Float32Array.from({ length: 9 * 6 }, (_, i) => Math.cos(i)), [9, 6]);
    const y = tensor(Int32Array.from({ length: 9 }, (_, i) => i % 3), [9], 'int32');
    const ref = createModel();
    backward(() => crossEntropy((ref as unknown as { call(x: Tensor): Tensor }).call(x), y), ref).dispose();
    const m = createModel();
    await dp.backward(m, x, y);
    m.parameters().forEach((p, i) => {
      const a = p.grad!.dataSync();
      const b = ref.parameters()[i]!.grad!.dataSync();
      expect(Math.max(...Array.from(a, (v, j) => Math.abs(v - b[j]!)))).toBeLessThan(1e-5);
    });
    await dp.close();
    for (const p of ports) p.close();
    for (const t of [x, y, ...[m, ref].flatMap((mm) => mm.parameters().map((p) => p.grad!))]) t.dispose();
    ref.dispose();
    m.dispose();
  });

  it('a factory that throws rejects start with a StateError naming the worker', async () => {
    const { workers, ports } = inProcess(1, () => {
      throw new Error('no model here');
    });
    await expect(DataParallel.start(workers)).rejects.toThrow(StateError);
    for (const p of ports) p.close();
  });

  it('an error event from the worker fails pending steps instead of hanging', async () => {
    const listeners: Record<string, (e: { data?: unknown; message?: string }) => void> = {};
    const fake: WebWorkerLike = {
      postMessage: () => listeners['error']?.({ message: 'Uncaught RangeError: out of memory' }),
      addEventListener: (type, l) => {
        listeners[type] = l;
      },
      terminate: () => {},
    };
    const started = DataParallel.start([fake]);
    listeners['message']?.({ data: { type: 'ready' } });
    const dp = await started;
    const x = tensor([[1, 2, 3, 4, 5, 6]]);
    const y = tensor([0], [1], 'int32');
    const m = createModel();
    await expect(dp.backward(m, x, y)).rejects.toThrow(/DataParallel worker 0: crashed: Uncaught RangeError: out of memory/);
    await dp.close();
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });
});
