import { beforeAll, describe, expect, it } from 'vitest';
import { type Tensor, memory, tensor1d, tensor2d, tensor3d } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset } from './dataset.js';
import { DataLoader } from './data-loader.js';
import { Generator } from './generator.js';
import { disposeBatch } from './collate.js';
import { BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler } from './sampler.js';
import { randomSplit, splitLengths } from './random-split.js';

class Range extends Dataset<number> {
  constructor(readonly length: number) {
    super();
  }
  get(i: number): number {
    return i;
  }
}

async function epoch(loader: DataLoader<number, Tensor>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of loader) {
    out.push(Array.from(b.dataSync()));
    b.dispose();
  }
  return out;
}

beforeAll(async () => {
  await initBackend();
});

describe('DataLoader', () => {
  it('batch counts with and without dropLast', async () => {
    const ds = new Range(10);
    const a = new DataLoader<number, Tensor>(ds, { batchSize: 3 });
    const b = new DataLoader<number, Tensor>(ds, { batchSize: 3, dropLast: true });
    expect(a.length).toBe(4);
    expect(b.length).toBe(3);
    expect(await epoch(a)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect((await epoch(b)).length).toBe(3);
    expect(new DataLoader(new Range(9), { batchSize: 3, dropLast: true }).length).toBe(3);
    expect(new DataLoader(ds).length).toBe(10);
  });

  it('shuffle: every index exactly once per epoch; same seed → same order; different seed → different', async () => {
    const ds = new Range(103);
    const mk = (seed: number) => new DataLoader<number, Tensor>(ds, { batchSize: 8, shuffle: true, generator: new Generator(seed) });
    const l1 = mk(1);
    const e1 = await epoch(l1);
    const e2 = await epoch(l1);
    for (const e of [e1, e2]) expect(e.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(e1).not.toEqual(e2); // reshuffled each epoch
    expect(await epoch(mk(1))).toEqual(e1);
    expect(await epoch(mk(2))).not.toEqual(e1);
  });

  it('TensorDataset batches via one gather, no leaks; Subset forwards it', async () => {
    const x = tensor3d(Array.from({ length: 5 * 2 * 3 }, (_, i) => i), [5, 2, 3]);
    const y = tensor1d([0, 1, 0, 1, 1], 'int32');
    const ds = new TensorDataset(x, y);
    const before = memory().numTensors;
    const loader = new DataLoader<[Tensor, Tensor], [Tensor, Tensor]>(ds, { batchSize: 2 });
    const shapes: number[][] = [];
    for await (const [xb, yb] of loader) {
      shapes.push(xb.shape, yb.shape);
      expect(yb.dtype).toBe('int32');
      disposeBatch([xb, yb]);
    }
    expect(shapes).toEqual([[2, 2, 3], [2], [2, 2, 3], [2], [1, 2, 3], [1]]);
    const [x3, y3] = ds.get(3);
    expect(Array.from(x3.dataSync())).toEqual([18, 19, 20, 21, 22, 23]);
    expect(y3.shape).toEqual([]);
    disposeBatch([x3, y3]);
    const sub = new Subset(ds, [4, 0]);
    const sb = (await sub.getBatch!([1, 0])) as Tensor[];
    expect(Array.from(sb[0]!.dataSync().slice(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    disposeBatch(sb);
    // default collate over get() (custom dataset) disposes the per-sample tensors
    const viaGet = new DataLoader<[Tensor, Tensor], [Tensor, Tensor]>(new Subset(new ConcatDataset([ds]), [0, 1, 2]), { batchSize: 3 });
    for await (const b of viaGet) disposeBatch(b);
    expect(memory().numTensors).toBe(before);
    expect(() => new TensorDataset(x, tensor1d([1, 2]))).toThrow(/size mismatch/);
    x.dispose();
    y.dispose();
  });

  it('disposes prefetched batches when the consumer breaks early', async () => {
    const x = tensor2d(Array.from({ length: 40 }, (_, i) => i), [20, 2]);
    const before = memory().numTensors;
    const loader = new DataLoader<[Tensor], [Tensor]>(new TensorDataset(x), { batchSize: 2, prefetch: 3 });
    for await (const b of loader) {
      disposeBatch(b);
      break;
    }
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('custom collate, batchSampler, sampler, batchSize null, iterable datasets', async () => {
    const ds = new Range(7);
    const sum = (s: number[]) => s.reduce((a, b) => a + b, 0);
    const l = new DataLoader(ds, { batchSampler: new BatchSampler(new SequentialSampler(ds), 3, true), collate: sum });
    const got: number[] = [];
    for await (const b of l) got.push(b);
    expect(got).toEqual([3, 12]);
    expect(l.length).toBe(2);
    const un = new DataLoader(ds, { batchSize: null, sampler: new SubsetRandomSampler([1, 3, 5], { generator: new Generator(0) }) });
    const s: number[] = [];
    for await (const v of un) s.push(v as number);
    expect(s.sort()).toEqual([1, 3, 5]);
    expect(() => new DataLoader(ds, { batchSampler: new BatchSampler(new SequentialSampler(ds), 2), shuffle: true })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(ds, { sampler: new SequentialSampler(ds), shuffle: true })).toThrow(/mutually exclusive/);
    expect(() => new DataLoader(ds, { numWorkers: 2 })).toThrow(/needs workerDataset/);

    class Stream extends IterableDataset<number> {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 5; i++) yield i;
      }
    }
    const it = new DataLoader(new Stream(), { batchSize: 2, collate: (b: number[]) => b });
    const bs: number[][] = [];
    for await (const b of it) bs.push(b);
    expect(bs).toEqual([[0, 1], [2, 3], [4]]);
    expect(() => new DataLoader(new Stream(), { shuffle: true })).toThrow(/IterableDataset/);
  });

  it('propagates errors from get and does not leak', async () => {
    class Bad extends Dataset<number> {
      readonly length = 6;
      async get(i: number): Promise<number> {
        if (i === 4) throw new Error('broken file 4');
        return i;
      }
    }
    const seen: number[] = [];
    await expect(async () => {
      for await (const b of new DataLoader<number, Tensor>(new Bad(), { batchSize: 2, prefetch: 2 })) {
        seen.push(...b.dataSync());
        b.dispose();
      }
    }).rejects.toThrow(/broken file 4/);
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});

describe('samplers', () => {
  it('RandomSampler with replacement / numSamples', () => {
    const ds = new Range(5);
    const r = [...new RandomSampler(ds, { replacement: true, numSamples: 50, generator: new Generator(3) })];
    expect(r.length).toBe(50);
    expect(r.every((i) => i >= 0 && i < 5)).toBe(true);
    const p = [...new RandomSampler(ds, { numSamples: 12, generator: new Generator(3) })];
    expect(p.length).toBe(12);
    expect(p.slice(0, 5).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('WeightedRandomSampler follows the weights', () => {
    const w = new WeightedRandomSampler([0, 1, 3], 4000, { generator: new Generator(0) });
    const c = [0, 0, 0];
    for (const i of w) c[i]! += 1;
    expect(c[0]).toBe(0);
    expect(Math.abs(c[2]! / 4000 - 0.75)).toBeLessThan(0.03);
    const nr = [...new WeightedRandomSampler([1, 5, 0, 2], 3, { replacement: false, generator: new Generator(1) })];
    expect(nr.sort()).toEqual([0, 1, 3]);
    expect(() => new WeightedRandomSampler([1, 0], 2, { replacement: false })).toThrow(/without replacement/);
  });
});

describe('randomSplit', () => {
  it('follows PyTorch length rules and is seeded', () => {
    expect(splitLengths(10, [0.5, 0.3, 0.2])).toEqual([5, 3, 2]);
    expect(splitLengths(11, [0.5, 0.5])).toEqual([6, 5]);
    expect(splitLengths(7, [0.34, 0.33, 0.33])).toEqual([3, 2, 2]);
    expect(splitLengths(10, [7, 3])).toEqual([7, 3]);
    expect(() => splitLengths(10, [7, 4])).toThrow(/does not equal/);
    const ds = new Range(20);
    const [a, b] = randomSplit(ds, [0.75, 0.25], new Generator(9));
    const [c] = randomSplit(ds, [0.75, 0.25], new Generator(9));
    expect(a!.length).toBe(15);
    expect(b!.length).toBe(5);
    expect(Array.from(c!.indices)).toEqual(Array.from(a!.indices));
    expect([...a!.indices, ...b!.indices].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
