import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { initBackend } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from './__fixtures__/worker-dataset.js';
import { DataLoader } from './data-loader.js';
import { Dataset } from './dataset.js';
import { Generator } from './generator.js';
import { datasetWorkers } from '../node/dataset-workers.js';

const module = fileURLToPath(new URL('./__fixtures__/worker-dataset.ts', import.meta.url));

/** The main thread's copy of the data set (for lengths and samplers), as the workers build theirs. */
class Local extends Dataset<ReturnType<ReturnType<typeof createDataset>['get']>> {
  private readonly inner: ReturnType<typeof createDataset>;
  constructor(n: number, dim: number) {
    super();
    this.inner = createDataset(n, dim);
  }
  get length(): number {
    return this.inner.length;
  }
  get(i: number) {
    return this.inner.get(i);
  }
}

type Sample = { x: Float32Array; y: number; thread: number };
const keep = (s: Sample[]) => s; // collate: keep the samples as they came

beforeAll(async () => {
  await initBackend();
});

describe('DataLoader numWorkers', () => {
  it('builds the samples on worker threads, in order, the same batches as on this thread', async () => {
    const opts = { batchSize: 5, shuffle: true, collate: keep };
    const here = new DataLoader(new Local(23, 7), { ...opts, generator: new Generator(3) });
    const there = new DataLoader(new Local(23, 7), { ...opts, generator: new Generator(3), numWorkers: 2, workerDataset: datasetWorkers({ module, args: [23, 7] }) });
    try {
      for (let epoch = 0; epoch < 2; epoch++) {
        const a: Sample[][] = [];
        const b: Sample[][] = [];
        for await (const batch of here) a.push(batch as Sample[]);
        for await (const batch of there) b.push(batch as Sample[]);
        expect(b.length).toBe(5);
        expect(b.map((s) => s.map((v) => v.y))).toEqual(a.map((s) => s.map((v) => v.y)));
        expect(b.flat().map((v) => Array.from(v.x))).toEqual(a.flat().map((v) => Array.from(v.x)));
        expect(new Set(b.flat().map((v) => v.thread)).has(threadId)).toBe(false); // built elsewhere
      }
      expect(there.numWorkers).toBe(2);
    } finally {
      await there.close();
    }
  });

  it('collates worker samples with the default collate, and with batchSize null yields single samples', async () => {
    const l = new DataLoader(new Local(6, 3), { batchSize: 4, numWorkers: 1, workerDataset: datasetWorkers({ module, export: 'createDataset', args: [6, 3] }) });
    const un = new DataLoader(new Local(3, 2), { batchSize: null, numWorkers: 1, workerDataset: datasetWorkers({ module, args: [3, 2] }) });
    try {
      const shapes: number[][] = [];
      for await (const batch of l) {
        const { x } = batch as { x: { shape: number[]; dispose(): void }; y: { dispose(): void }; thread: { dispose(): void } };
        shapes.push(x.shape);
        for (const t of Object.values(batch as Record<string, { dispose(): void }>)) t.dispose();
      }
      expect(shapes).toEqual([[4, 3], [2, 3]]);
      const ys: number[] = [];
      for await (const s of un) ys.push((s as Sample).y);
      expect(ys).toEqual([0, 1, 2]);
    } finally {
      await l.close();
      await un.close();
    }
  });

  it('says what is wrong: no workerDataset, a bad export, a failing sample', async () => {
    expect(() => new DataLoader(new Local(3, 2), { numWorkers: 2 })).toThrow(/needs workerDataset: datasetWorkers\(\{ module, export, args \}\) from '@nnkit\/data\/node'/);
    expect(() => new DataLoader(new Local(3, 2), { numWorkers: 1, workerDataset: { module } as never })).toThrow(/workerDataset should be datasetWorkers\(/);
    expect(() => new DataLoader(new Local(3, 2), { numWorkers: -1 })).toThrow(/non-negative integer/);
    const bad = new DataLoader(new Local(3, 2), { numWorkers: 1, workerDataset: datasetWorkers({ module, export: 'notAFunction' }) });
    await expect((async () => { for await (const _ of bad) void _; })()).rejects.toThrow(/export 'notAFunction' of .* is not a function/);
    await bad.close();
    const broken = new DataLoader(new Local(14, 2), { batchSize: 7, collate: keep, numWorkers: 2, workerDataset: datasetWorkers({ module, args: [14, 2] }) });
    await expect((async () => { for await (const _ of broken) void _; })()).rejects.toThrow(/indices \[7, 8, 9, 10, 11, 12, 13\]: Error: sample 13 is broken/);
    await broken.close();
  });
});
