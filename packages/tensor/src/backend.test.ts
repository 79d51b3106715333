import { conv2d, memory, tensor4d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendName, BackendInitError, initBackend } from './index.js';

describe('initBackend', () => {
  it('picks wasm in Node by default and runs a conv2d on it', async () => {
    expect(await initBackend()).toBe('wasm');
    expect(backendName()).toBe('wasm');
    const x = tensor4d(new Float32Array(2 * 5 * 5 * 3).fill(1), [2, 5, 5, 3]);
    const w = tensor4d(new Float32Array(3 * 3 * 3 * 4).fill(0.5), [3, 3, 3, 4]);
    const y = conv2d(x, w, 1, 'valid');
    expect(y.shape).toEqual([2, 3, 3, 4]);
    expect(Array.from(y.dataSync().slice(0, 2))).toEqual([13.5, 13.5]);
    x.dispose();
    w.dispose();
    y.dispose();
  });

  it("initBackend('cpu') works and can switch back", async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(backendName()).toBe('cpu');
    const before = memory().numTensors;
    const x = tensor4d(new Float32Array(1 * 4 * 4 * 1).fill(2), [1, 4, 4, 1]);
    const w = tensor4d(new Float32Array(2 * 2 * 1 * 1).fill(1), [2, 2, 1, 1]);
    expect(Array.from(conv2d(x, w, 2, 'valid').dataSync())).toEqual([8, 8, 8, 8]);
    expect(await initBackend('wasm')).toBe('wasm');
    expect(memory().numTensors).toBeGreaterThanOrEqual(before);
  });

  it('explains why a requested backend cannot start', async () => {
    await expect(initBackend('webgpu' as never)).rejects.toBeInstanceOf(BackendInitError);
    await expect(initBackend('webgpu' as never)).rejects.toThrow(/'webgpu' backend could not start/);
  });
});
