import { mean, memory, mul, randomNormal, reshape, slice, type Tensor } from '@tensorflow/tfjs-core';
import { assertGradClose } from '../../grad-check/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { opFixtureParity } from '../../test-utils/conv-parity.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d } from './adaptive-pool.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from './pool.js';

function runPool(op: string, x: Tensor, o: Record<string, unknown>): Tensor {
  const { kernelSize, outputSize, ...rest } = o as { kernelSize: number; outputSize: number };
  switch (op) {
    case 'maxPool1d': return maxPool1d(x, kernelSize, rest);
    case 'maxPool2d': return maxPool2d(x, kernelSize, rest);
    case 'avgPool1d': return avgPool1d(x, kernelSize, rest);
    case 'avgPool2d': return avgPool2d(x, kernelSize, rest);
    case 'adaptiveAvgPool1d': return adaptiveAvgPool1d(x, outputSize);
    case 'adaptiveAvgPool2d': return adaptiveAvgPool2d(x, outputSize);
    case 'adaptiveMaxPool1d': return adaptiveMaxPool1d(x, outputSize);
    case 'adaptiveMaxPool2d': return adaptiveMaxPool2d(x, outputSize);
    default: throw new Error(`unknown op ${op}`);
  }
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`pooling parity vs PyTorch (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });
    opFixtureParity(import.meta.url, 'pool_ops', 'max/avg pool 1d/2d: ceil mode, padding, dilation, count_include_pad, divisor_override', (c, x, _p, o) => runPool(c.op, x, o));

    // Non-overlapping windows along the last axis take a reshape + matmul path.
    it.each([
      { name: 'avgPool2d [1, 4], remainder dropped', x: [2, 3, 2, 17], f: (t: Tensor) => avgPool2d(t, [1, 4]), k: 4, div: 4 },
      { name: 'avgPool2d [1, 5], divisorOverride', x: [1, 2, 3, 10], f: (t: Tensor) => avgPool2d(t, [1, 5], { divisorOverride: 3 }), k: 5, div: 3 },
      { name: 'avgPool1d 3', x: [2, 4, 9], f: (t: Tensor) => avgPool1d(t, 3), k: 3, div: 3 },
    ])('last-axis avg pooling: $name', ({ x, f, k, div }) => {
      const t = randomNormal(x);
      const len = x[x.length - 1]!;
      const out = Math.floor(len / k);
      const lead = x.slice(0, -1);
      const kept = slice(t, x.map(() => 0), [...lead, out * k]);
      const expected = mul(mean(reshape(kept, [...lead, out, k]), -1), k / div);
      const got = f(t);
      expect(got.shape).toEqual(expected.shape);
      const a = got.dataSync();
      const b = expected.dataSync();
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
      assertGradClose(f, [t]);
    });
    opFixtureParity(import.meta.url, 'adaptive_pool_ops', 'adaptive avg/max pool 1d/2d incl. non-divisible and output > input', (c, x, _p, o) => runPool(c.op, x, o), { minCases: 5 });
  });
}

describe('pooling errors and memory', () => {
  beforeAll(async () => {
    await initBackend();
  });
  it('does not leak and rejects bad input', () => {
    const x = randomNormal([2, 3, 9, 10]);
    const before = memory().numTensors;
    maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, dilation: 2 }).dispose();
    avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).dispose();
    adaptiveMaxPool2d(x, [4, 7]).dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => maxPool2d(x, 2, { padding: 2 })).toThrow(/half of the kernel/);
    expect(() => avgPool1d(x, 2)).toThrow(/rank 3/);
  });
});
