import { grad, memory, profile, sum, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { maxPool1d, maxPool2d } from '../ops/conv/pool.js';
import { NNKIT_MAX_POOL, NNKIT_MAX_POOL_GRAD, scanMaxWindows } from './max-pool-nchw.js';

const attrs = (k: number, s: number, p = 0, d = 1, out: [number, number] = [1, 1]) => ({ kernel: [k, k] as [number, number], strides: [s, s] as [number, number], pads: [p, p] as [number, number], dilations: [d, d] as [number, number], out });

describe('scanMaxWindows', () => {
  it('keeps the first maximum of a window (ties), as PyTorch', () => {
    const arg = new Int32Array(1);
    scanMaxWindows(Float32Array.of(1, 3, 3, 2), [1, 1, 2, 2], attrs(2, 2), arg);
    expect(arg[0]).toBe(1);
  });

  it('takes a NaN as the maximum (the last NaN, as PyTorch)', () => {
    const arg = new Int32Array(1);
    scanMaxWindows(Float32Array.of(1, Number.NaN, 5, Number.NaN), [1, 1, 2, 2], attrs(2, 2), arg);
    expect(arg[0]).toBe(3);
  });

  it('keeps the first maximum and the last NaN in general windows (3×3, dilation 2)', () => {
    const arg = new Int32Array(1);
    const x = Float32Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? 7 : 0));
    scanMaxWindows(x, [1, 1, 5, 5], { ...attrs(3, 1, 0, 2), out: [1, 1] }, arg);
    expect(arg[0]).toBe(0);
    x[12] = Number.NaN;
    x[24] = Number.NaN;
    scanMaxWindows(x, [1, 1, 5, 5], { ...attrs(3, 1, 0, 2), out: [1, 1] }, arg);
    expect(arg[0]).toBe(24);
  });

  it('skips the padding and picks the first in-range element of an all -Infinity window', () => {
    const arg = new Int32Array(4);
    scanMaxWindows(Float32Array.of(-Infinity, -Infinity, -Infinity, -Infinity), [1, 1, 2, 2], attrs(2, 1, 1, 1, [2, 2]), arg);
    expect(Array.from(arg)).toEqual([0, 0, 0, 0]);
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`NnkitMaxPoolNchw on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it('sends the gradient of a tied window to its first maximum only', () => {
      tidy(() => {
        const x = tensor([0, 0, 0, 0, 1, 2, 2, 1], [1, 2, 2, 2]);
        const dx = grad((t: Tensor) => sum(maxPool2d(t, 2)))(x);
        expect(Array.from(dx.dataSync())).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
      });
    });

    it('accumulates the gradient of overlapping windows (maxPool1d, kernel 3, stride 1)', () => {
      tidy(() => {
        const x = tensor([0, 5, 1, 2, 0], [1, 1, 5]);
        expect(Array.from(maxPool1d(x, 3, { stride: 1 }).dataSync())).toEqual([5, 5, 2]);
        const dx = grad((t: Tensor) => sum(maxPool1d(t, 3, { stride: 1 })))(x);
        expect(Array.from(dx.dataSync())).toEqual([0, 2, 0, 1, 0]);
      });
    });

    it('runs one kernel forward and one backward', async () => {
      const x = tensor(Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i)), [2, 3, 8, 8]);
      const p = await profile(() => tidy(() => void grad((t: Tensor) => sum(maxPool2d(t, 2)))(x)));
      const names = p.kernels.map((k) => k.name);
      expect(names.filter((n) => n === NNKIT_MAX_POOL)).toHaveLength(1);
      expect(names.filter((n) => n === NNKIT_MAX_POOL_GRAD)).toHaveLength(1);
      expect(names).not.toContain('Transpose');
      x.dispose();
    });

    it('does not leak', () => {
      const x = tensor(Array.from({ length: 2 * 3 * 9 * 10 }, (_, i) => Math.cos(i)), [2, 3, 9, 10]);
      const before = memory().numTensors;
      maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }).dispose();
      tidy(() => void grad((t: Tensor) => sum(maxPool2d(t, 2)))(x));
      expect(memory().numTensors).toBe(before);
      x.dispose();
    });
  });
}
