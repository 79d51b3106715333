import { fileURLToPath } from 'node:url';
import { backward, CrossEntropyLoss, crossEntropy, type Module } from '@nnkit/nn';
import { ArgumentError, initBackend, manualSeed, StateError } from '@nnkit/tensor';
import { memory, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataParallel } from '../node/data-parallel.js';
import { SGD } from '../optim/sgd.js';
import { Runner } from '../runner/runner.js';
import { memoryStorage } from '../runner/storage.js';
import { createModel, type TestModelOptions } from './__fixtures__/replica-models.js';
import type { DataParallel } from './data-parallel.js';

const module = fileURLToPath(new URL('./__fixtures__/replica-models.ts', import.meta.url));
const execArgv = ['--conditions=@nnkit/source', '--import', 'tsx'];
/** NNKIT_DP_LONG=1: the determinism check runs 300 steps instead of 4. */
const STEPS = process.env.NNKIT_DP_LONG === '1' ? 300 : 4;
const start = (workers: number, options: TestModelOptions = {}, exp = 'createModel'): Promise<DataParallel> =>
  startDataParallel({ workers, model: { module, export: exp, options }, execArgv });

/** A batch of `n` rows `[n, 6]` with labels in 0..2 (deterministic). */
function batch(n: number, shift = 0): [Tensor, Tensor] {
  const x = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin((i + shift) * 1.7) + (i % 5) * 0.1);
  return [tensor(x, [n, 6]), tensor(Int32Array.from({ length: n }, (_, i) => ((i + shift) * 7) % 3), [n], 'int32')];
}

const call = (m: Module, x: Tensor): Tensor => (m as unknown as { call(x: Tensor): Tensor }).call(x);
const grads = (m: Module): Float32Array[] => m.parameters().map((p) => Float32Array.from(p.grad!.dataSync()));
const values = (m: Module): Float32Array[] => Object.values(m.stateDict()).map((t) => Float32Array.from(t.dataSync()));
const maxDiff = (a: Float32Array[], b: Float32Array[]): number => Math.max(...a.map((v, i) => Math.max(...v.map((e, j) => Math.abs(e - b[i]![j]!)))));

beforeAll(async () => {
  await initBackend();
});

describe('DataParallel on worker threads', () => {
  let dp2: DataParallel;
  let dpBn: DataParallel;
  beforeAll(async () => {
    [dp2, dpBn] = await Promise.all([start(2), start(2, { bn: true, dropout: true })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([dp2?.close(), dpBn?.close()]);
  });

  it('one step with 2 workers equals one step on the full batch (1e-5), odd batch, no leaked tensors', async () => {
    const [x, y] = batch(13);
    const ref = createModel();
    const opt = new SGD(ref.parameters(), { lr: 0.5 });
    backward(() => crossEntropy(call(ref, x), y), ref).dispose();
    const gRef = grads(ref);
    opt.step();
    const m = createModel();
    const opt2 = new SGD(m.parameters(), { lr: 0.5 });
    await dp2.backward(m, x, y); // the first call also checks the workers' layout
    m.zeroGrad();
    const before = memory().numTensors;
    const loss = await dp2.backward(m, x, y);
    expect(maxDiff(grads(m), gRef)).toBeLessThan(1e-5);
    opt2.step();
    expect(maxDiff(values(m), values(ref))).toBeLessThan(1e-5);
    expect(Number.isFinite(loss)).toBe(true);
    m.zeroGrad();
    expect(memory().numTensors).toBe(before);
    for (const t of [x, y]) t.dispose();
    ref.dispose();
    m.dispose();
  });

  it('Runner.fit with dataParallel trains like the one-thread fit (SGD, 3 epochs, 1e-5)', async () => {
    const fitOnce = async (dp?: DataParallel): Promise<Float32Array[]> => {
      manualSeed(3);
      const m = createModel();
      const runner = new Runner({ model: m, optimizer: new SGD(m.parameters(), { lr: 0.2 }), lossFn: new CrossEntropyLoss(), storage: memoryStorage(), log: null });
      const loader = { length: 2, *[Symbol.iterator]() { yield batch(10, 0); yield batch(9, 5); } };
      await runner.fit(loader, { epochs: 3, ...(dp ? { dataParallel: dp } : {}) });
      const v = values(m);
      runner.optimizer.zeroGrad();
      m.dispose();
      return v;
    };
    expect(maxDiff(await fitOnce(dp2), await fitOnce())).toBeLessThan(1e-5);
  });

  it('batch norm: per-worker batch statistics; running mean is the shard-weighted mean', async () => {
    const [x, y] = batch(16);
    const ref = createModel({ bn: true, dropout: true });
    ref.getChild('3')!.eval(); // no dropout in the reference
    backward(() => crossEntropy(call(ref, x), y), ref).dispose();
    const m = createModel({ bn: true, dropout: true });
    await dpBn.backward(m, x, y);
    const rm = (mod: Module): Float32Array[] => [Float32Array.from(mod.stateDict()['1.running_mean']!.dataSync())];
    expect(maxDiff(rm(m), rm(ref))).toBeLessThan(1e-5); // the mean of equal shards' means is the batch mean
    expect(m.stateDict()['1.num_batches_tracked']!.dataSync()[0]).toBe(1);
    m.zeroGrad();
    ref.dispose();
    m.dispose();
    for (const t of [x, y]) t.dispose();
  });

  it(`two runs with the same seed and worker count give bit-identical weights (batch norm, dropout, ${STEPS} steps)`, async () => {
    const run = async (): Promise<number[][]> => {
      manualSeed(11);
      const m = createModel({ bn: true, dropout: true });
      const opt = new SGD(m.parameters(), { lr: 0.3, momentum: 0.9 });
      for (let s = 0; s < STEPS; s++) {
        const [x, y] = batch(10 + (s % 7), s);
        opt.zeroGrad();
        await dpBn.backward(m, x, y);
        opt.step();
        for (const t of [x, y]) t.dispose();
      }
      const v = values(m).map((a) => Array.from(a));
      opt.zeroGrad();
      m.dispose();
      return v;
    };
    expect(await run()).toEqual(await run());
  }, 600_000);

  it('an error in a worker step rejects with a StateError carrying its message', async () => {
    const [x, y] = batch(6); // shards of 3 rows: the tripwire throws
    const m = createModel();
    const e = await dp2.backward(m, x, y).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StateError);
    expect(String((e as Error).message)).toMatch(/DataParallel worker 0: step failed: .*forward failed on purpose/s);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it('a worker crash rejects with a StateError naming the worker (no hang); later steps fail fast', async () => {
    const [x, y] = batch(2); // shards of 1 row: the tripwire exits the worker threads
    const m = createModel();
    await expect(dp2.backward(m, x, y)).rejects.toThrow(/DataParallel worker [01]: crashed: the worker thread exited \(code 3\)/);
    await expect(dp2.backward(m, x, y)).rejects.toThrow(StateError);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it('a model of another shape is an ArgumentError naming the entry; backward after close() is a StateError', async () => {
    const dp = await start(1, { hidden: 5 });
    const [x, y] = batch(4);
    const m = createModel();
    try {
      const e = await dp.backward(m, x, y).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(String((e as Error).message)).toMatch(/worker 0's model differs from the trained model: entry 0: '0.weight' \[8, 6\] against '0.weight' \[5, 6\]/);
      await dp.close();
      await dp.close();
      await expect(dp.backward(m, x, y)).rejects.toThrow(/backward after close/);
    } finally {
      for (const t of [x, y]) t.dispose();
      m.dispose();
      await dp.close();
    }
  }, 60_000);

  it('a factory that throws, or a missing export, rejects start with the reason', async () => {
    await expect(start(1, {}, 'broken')).rejects.toThrow(/DataParallel worker 0: could not start: .*cannot build this model/s);
    await expect(start(1, {}, 'nope')).rejects.toThrow(/export 'nope'/);
  }, 60_000);
});
