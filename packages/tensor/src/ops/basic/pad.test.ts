import { memory, randomNormal, tensor, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { assertGradClose } from '../../grad-check/grad-check.js';
import { padNd } from './pad.js';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`padNd (${backend}) — PyTorch F.pad semantics`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it('pads the last axis in every mode (values as torch.nn.functional.pad)', () => {
      tidy(() => {
        const x = tensor([1, 2, 3], [1, 1, 3]);
        const row = (mode: 'constant' | 'reflect' | 'replicate' | 'circular', value?: number) =>
          Array.from(padNd(x, [2, 1], { mode, ...(value === undefined ? {} : { value }) }).dataSync());
        expect(row('constant', 9)).toEqual([9, 9, 1, 2, 3, 9]);
        expect(row('reflect')).toEqual([3, 2, 1, 2, 3, 2]);
        expect(row('replicate')).toEqual([1, 1, 1, 2, 3, 3]);
        expect(row('circular')).toEqual([2, 3, 1, 2, 3, 1]);
      });
    });

    it('lists pairs from the last axis backwards; corners follow PyTorch', () => {
      tidy(() => {
        const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
        // [W left 1, W right 0, H top 0, H bottom 1]
        const y = padNd(x, [1, 0, 0, 1], { mode: 'replicate' });
        expect(y.shape).toEqual([1, 1, 3, 3]);
        expect(Array.from(y.dataSync())).toEqual([1, 1, 2, 3, 3, 4, 3, 3, 4]);
        const c = padNd(x, [1, 1, 1, 1], { mode: 'circular' });
        expect(Array.from(c.dataSync())).toEqual([4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1]);
      });
    });

    it('has gradients (finite differences) in every mode', () => {
      for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
        tidy(() => {
          assertGradClose((v) => padNd(v, [2, 1, 1, 2], { mode }), [randomNormal([2, 2, 3, 4])]);
        });
      }
    });

    it('says what is wrong with a bad pad, and does not leak', () => {
      const x = tensor([1, 2, 3], [1, 1, 3]);
      expect(() => padNd(x, [3, 0], { mode: 'reflect' })).toThrow(/smaller than the padded axis 2 \(size 3\)/);
      expect(() => padNd(x, [4, 0], { mode: 'circular' })).toThrow(/must not exceed/);
      expect(() => padNd(x, [1])).toThrow(/\[left, right\] pairs/);
      expect(() => padNd(x, [-1, 0])).toThrow(/non-negative/);
      const before = memory().numTensors;
      padNd(x, [1, 1], { mode: 'replicate' }).dispose();
      padNd(x, [1, 1], { mode: 'circular' }).dispose();
      expect(memory().numTensors).toBe(before);
      x.dispose();
    });
  });
}
