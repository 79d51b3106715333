import { engine, grads, matMul, memory, mul, randomNormal, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { productReference as reference, worstProductError as worst } from '../../test-utils/product-reference.js';
import { hasTallMatMul, outerMatMulApplies, tallMatMulApplies, vecMatMulApplies } from './matmul-tall.js';

interface Case {
  name: string;
  m: number;
  N: number;
  n: number;
  tA: boolean;
}

const cases: Case[] = [
  { name: "EEG spatial filter's gradient (im2col: [3, 64000]·[64000, 16])", m: 3, N: 6400, n: 16, tA: false },
  { name: 'Linear weight gradient aᵀ·dy, odd batch', m: 6, N: 151, n: 4, tA: true },
  { name: '16 + 4 columns (both column loops)', m: 5, N: 45, n: 20, tA: false },
  { name: 'more than one 256-row chunk, odd remainder', m: 7, N: 700, n: 12, tA: true },
  { name: 'one row, odd inner length', m: 1, N: 9, n: 4, tA: false },
];

describe('matmul-tall wasm SIMD kernel', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is installed on wasm', () => {
    expect(hasTallMatMul(engine().backend)).toBe(true);
  });

  it('takes transposed-a products and products of few rows, not transposed b, batches or odd columns', () => {
    expect(tallMatMulApplies([64000, 3], [64000, 16], true, false)).toBe(true);
    expect(tallMatMulApplies([1, 3, 64000], [1, 64000, 16], false, false)).toBe(true);
    expect(tallMatMulApplies([512, 100], [100, 16], false, false)).toBe(false);
    expect(tallMatMulApplies([3, 100], [16, 100], false, true)).toBe(false);
    expect(tallMatMulApplies([2, 3, 100], [2, 100, 16], false, false)).toBe(false);
    expect(tallMatMulApplies([3, 100], [100, 6], false, false)).toBe(false);
    expect(tallMatMulApplies([64, 64], [64, 1024], false, false)).toBe(false); // wide b: XNNPACK's tiles win
  });

  it.each(cases)('matches float64 (matMul through the BatchMatMul kernel): $name', (c) => {
    expect(tallMatMulApplies(c.tA ? [c.N, c.m] : [c.m, c.N], [c.N, c.n], c.tA, false)).toBe(true);
    const before = memory().numTensors;
    tidy(() => {
      const a = randomNormal(c.tA ? [c.N, c.m] : [c.m, c.N], 0, 1, 'float32', 3);
      const b = randomNormal([c.N, c.n], 0, 1, 'float32', 4);
      const got = matMul(a, b, c.tA, false).dataSync() as Float32Array;
      expect(worst(got, reference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, c.m, c.N, c.n, c.tA))).toBeLessThan(1e-6);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('keeps the leading axes of rank-3 operands ([1, m, N]·[1, N, n] → [1, m, n])', () => {
    tidy(() => {
      const c = matMul(randomNormal([1, 3, 10]), randomNormal([1, 10, 8]));
      expect(c.shape).toEqual([1, 3, 8]);
    });
  });

  it('takes outer products (contracted dimension 1, any transposes) with a multiple of 4 columns', () => {
    expect(outerMatMulApplies([128000, 1], [1, 8], false, false)).toBe(true);
    expect(outerMatMulApplies([1, 5], [8, 1], true, true)).toBe(true);
    expect(outerMatMulApplies([5, 1], [1, 6], false, false)).toBe(false);
    expect(outerMatMulApplies([5, 2], [2, 8], false, false)).toBe(false);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('computes outer products exactly (transposeA %s, transposeB %s)', (tA, tB) => {
    const before = memory().numTensors;
    tidy(() => {
      const a = randomNormal(tA ? [1, 37] : [37, 1], 0, 1, 'float32', 8);
      const b = randomNormal(tB ? [12, 1] : [1, 12], 0, 1, 'float32', 9);
      const c = matMul(a, b, tA, tB);
      expect(c.shape).toEqual([37, 12]);
      const av = a.dataSync();
      const bv = b.dataSync();
      const want = Float32Array.from({ length: 37 * 12 }, (_, k) => Math.fround(av[Math.floor(k / 12)]! * bv[k % 12]!));
      expect(Array.from(c.dataSync())).toEqual(Array.from(want));
    });
    expect(memory().numTensors).toBe(before);
  });

  it('takes short matrix-vector products (rows of at most 64 values), not transposed or long ones', () => {
    expect(vecMatMulApplies([128000, 8], [8, 1], false, false)).toBe(true);
    expect(vecMatMulApplies([10, 65], [65, 1], false, false)).toBe(false);
    expect(vecMatMulApplies([8, 10], [8, 1], true, false)).toBe(false);
    expect(vecMatMulApplies([10, 8], [8, 2], false, false)).toBe(false);
  });

  it('matches float64 on matrix-vector products of random sizes, with and without a remainder of 4 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), (m, N) => {
        tidy(() => {
          const a = randomNormal([m, N]);
          const b = randomNormal([N, 1]);
          expect(vecMatMulApplies(a.shape, b.shape, false, false)).toBe(true);
          const got = matMul(a, b).dataSync() as Float32Array;
          expect(worst(got, reference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, m, N, 1, false))).toBeLessThan(1e-6);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('gives the weight gradient of a linear map (aᵀ·dy) in float64 precision', () => {
    tidy(() => {
      const x = randomNormal([33, 5], 0, 1, 'float32', 5);
      const w = randomNormal([5, 8], 0, 1, 'float32', 6);
      const dy = randomNormal([33, 8], 0, 1, 'float32', 7);
      const [gw] = grads((ww: Tensor) => sum(mul(matMul(x, ww), dy)))([w]);
      expect(worst(gw!.dataSync() as Float32Array, reference(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, 5, 33, 8, true))).toBeLessThan(1e-6);
    });
  });

  it('matches float64 on random shapes, both layouts of a (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 10 }), fc.boolean(), (m, extra, n4, tA) => {
        const n = 4 * n4;
        const N = 2 * n + extra; // tall enough for the SIMD kernel
        tidy(() => {
          const a = randomNormal(tA ? [N, m] : [m, N]);
          const b = randomNormal([N, n]);
          const got = matMul(a, b, tA, false).dataSync() as Float32Array;
          expect(worst(got, reference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, m, N, n, tA))).toBeLessThan(1e-6);
        });
      }),
      { numRuns: 40 },
    );
  });
});
