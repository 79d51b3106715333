import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTarget, moduleUrl, runTask } from './module-worker.js';
import type { ModuleWorkerInit } from './module-worker-protocol.js';
import { ModuleWorkerPool } from './module-worker-pool.js';

const dataset = fileURLToPath(new URL('../core/__fixtures__/worker-dataset.ts', import.meta.url));
const factory: ModuleWorkerInit = { module: dataset, export: 'createDataset', factoryArgs: [5, 2], methods: ['get'], what: 'dataset' };

describe('module-worker.js (the worker entry, run in this thread)', () => {
  it('turns paths into file URLs and keeps URLs', () => {
    expect(moduleUrl('/a/b.js')).toBe('file:///a/b.js');
    expect(moduleUrl('file:///a/b.js')).toBe('file:///a/b.js');
    expect(moduleUrl('data:text/javascript,1')).toBe('data:text/javascript,1');
  });

  it('factory mode: builds the object once, tasks call its method per argument list', async () => {
    const call = await loadTarget(factory);
    const out = (await runTask(factory, call, { id: 0, method: 'get', calls: [[0], [4]] })) as { y: number }[];
    expect(out.map((s) => s.y)).toEqual([0, 1]);
  });

  it('function mode: merges the shared value into the first argument under sharedKey', async () => {
    const init: ModuleWorkerInit = { module: 'data:text/javascript,export const f = (o, k) => o.data * o.x + k;', export: 'f', sharedKey: 'data', shared: 10, what: 'trial' };
    const call = await loadTarget(init);
    expect(await runTask(init, call, { id: 1, calls: [[{ x: 2 }, 1], [{ x: 3 }, 0]] })).toEqual([21, 30]);
  });

  it('says which export is wrong', async () => {
    await expect(loadTarget({ ...factory, export: 'notAFunction' })).rejects.toThrow(/export 'notAFunction' of .* is not a function/);
    await expect(loadTarget({ ...factory, methods: ['nope'] })).rejects.toThrow(/did not return a data set \(an object with nope\(\.\.\.\)\)/);
  });
});

describe('ModuleWorkerPool', () => {
  it('runs tasks on worker threads and reports a failing task with its arguments', async () => {
    const pool = await ModuleWorkerPool.start({ ...factory, factoryArgs: [14, 2] }, 2, {
      owner: 'test',
      unref: true,
      taskError: (calls, m) => `failed on [${calls.join(', ')}]: ${m}`,
    });
    try {
      const [a, b] = (await pool.run([[1], [2]], 'get')) as { y: number; thread: number }[];
      expect([a!.y, b!.y]).toEqual([1, 2]);
      expect(a!.thread).toBeGreaterThan(0);
      await expect(pool.run([[13]], 'get')).rejects.toThrow(/test worker: failed on \[13\]: Error: sample 13 is broken/);
    } finally {
      await pool.close();
    }
  });

  it('rejects start when the module cannot be loaded', async () => {
    await expect(ModuleWorkerPool.start({ ...factory, export: 'nope' }, 1, { owner: 'test', unref: true })).rejects.toThrow(/test worker: could not load .*export 'nope'/);
  });
});
