import fc from 'fast-check';
import { conv2d, customGrad, matMul, memory, mul, randomNormal, sigmoid, softmax, square, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { assertGradClose, gradCheck, GradCheckError } from './index.js';

const dim = fc.integer({ min: 1, max: 4 });

function withTensors(make: () => Tensor[], check: (xs: Tensor[]) => void): void {
  const xs = make();
  try {
    check(xs);
  } finally {
    for (const x of xs) x.dispose();
  }
}

describe('gradCheck (wasm)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('matMul, sigmoid, softmax: analytic gradients match finite differences (property)', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.integer({ min: 0, max: 1000 }), (m, k, n, seed) => {
        withTensors(() => [randomNormal([m, k], 0, 1, 'float32', seed), randomNormal([k, n], 0, 1, 'float32', seed + 1)], ([a, b]) => {
          const r = gradCheck((x, y) => matMul(x, y), [a!, b!], { seed });
          expect(r.ok, JSON.stringify(r)).toBe(true);
          expect(r.checked).toBe(m * k + k * n);
        });
        withTensors(() => [randomNormal([m, n + 1], 0, 2, 'float32', seed)], ([x]) => {
          assertGradClose((v) => sigmoid(v), [x!], { seed });
          assertGradClose((v) => softmax(v), [x!], { seed });
        });
      }),
      { numRuns: 8 },
    );
  });

  it('conv2d (NHWC, stride 1, same padding): input gradient (property)', () => {
    fc.assert(
      fc.property(dim, fc.integer({ min: 3, max: 5 }), dim, fc.integer({ min: 1, max: 3 }), (c, hw, o, ks) => {
        withTensors(
          () => [randomNormal([1, hw, hw + 1, c], 0, 1, 'float32', 3), randomNormal([ks, ks, c, o], 0, 0.5, 'float32', 4)],
          ([x, w]) => {
            assertGradClose((v) => conv2d(v as never, w as never, 1, 'same'), [x!], { maxElements: 16 });
          },
        );
      }),
      { numRuns: 4 },
    );
  });

  it('detects a wrong gradient, samples at most maxElements, and leaks nothing', () => {
    const wrong = (x: Tensor, save: (ts: Tensor[]) => void): { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor } => {
      save([x]);
      return { value: square(x), gradFunc: (dy, saved) => mul(dy, saved[0]!) }; // should be 2x
    };
    const bad = customGrad(wrong as never) as unknown as (x: Tensor) => Tensor;
    const x = randomNormal([50], 0, 1, 'float32', 1);
    const before = memory().numTensors;
    const r = gradCheck((v) => bad(v), [x], { maxElements: 10 });
    expect(memory().numTensors).toBe(before);
    expect(r.ok).toBe(false);
    expect(r.checked).toBe(10);
    expect(Math.abs(r.worst!.numeric / r.worst!.analytic - 2)).toBeLessThan(0.05);
    expect(() => assertGradClose((v) => bad(v), [x])).toThrow(GradCheckError);
    expect(() => assertGradClose((v) => bad(v), [x])).toThrow(/worst at input 0/);
    const good = gradCheck((v) => square(v), [x], { maxElements: 10 });
    expect(good.ok).toBe(true);
    expect(good.maxAbsErr).toBeLessThan(1e-3);
    x.dispose();
  });
});

describe('gradCheck (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('conv2d filter gradient', () => {
    withTensors(
      () => [randomNormal([2, 5, 4, 3], 0, 1, 'float32', 5), randomNormal([3, 2, 3, 2], 0, 0.5, 'float32', 6)],
      ([x, w]) => {
        const r = assertGradClose((a, b) => conv2d(a as never, b as never, 1, 'same'), [x!, w!], { maxElements: 24 });
        expect(r.checked).toBe(48);
      },
    );
  });
});
