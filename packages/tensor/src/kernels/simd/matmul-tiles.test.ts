import { matMul, memory, randomNormal, slice, tidy } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { productReference, worstProductError } from '../../test-utils/product-reference.js';
import { tilesMatMulApplies } from './matmul-tall.js';

/** `op(a)·b` on the pack-free tiles against float64, through tfjs' `matMul`. */
function check(m: number, N: number, n: number, tA: boolean, seed: number): void {
  expect(tilesMatMulApplies(tA ? [N, m] : [m, N], [N, n], tA, false)).toBe(true);
  const before = memory().numTensors;
  tidy(() => {
    const a = randomNormal(tA ? [N, m] : [m, N], 0, 1, 'float32', seed);
    const b = randomNormal([N, n], 0, 1, 'float32', seed + 1);
    const got = matMul(a, b, tA, false).dataSync() as Float32Array;
    expect(worstProductError(got, productReference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, m, N, n, tA))).toBeLessThan(1e-6);
  });
  expect(memory().numTensors).toBe(before);
}

describe('matmul-tiles wasm SIMD kernel (BatchMatMul with 8 or more columns)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('takes plain and transposed-a products with 8 or more columns, not transposed b, batches or fewer columns', () => {
    expect(tilesMatMulApplies([64, 4032], [4032, 384], false, false)).toBe(true);
    expect(tilesMatMulApplies([4032, 64], [4032, 384], true, false)).toBe(true);
    expect(tilesMatMulApplies([1, 3, 10], [1, 10, 8], false, false)).toBe(true);
    expect(tilesMatMulApplies([64, 100], [384, 100], false, true)).toBe(false);
    expect(tilesMatMulApplies([2, 3, 100], [2, 100, 16], false, false)).toBe(false);
    expect(tilesMatMulApplies([3, 100], [100, 1031], false, false)).toBe(true);
    expect(tilesMatMulApplies([3, 100], [100, 7], false, false)).toBe(false);
    expect(tilesMatMulApplies([0, 100], [100, 8], false, false)).toBe(false);
  });

  it.each([
    ['few rows, many columns (a 1 × 1 convolution on 8 × 8)', 64, 300, 448, false],
    ['4-row tiles and 3 rows left, odd inner length', 7, 45, 16, false],
    ['one row (inference of a linear layer)', 1, 33, 24, false],
    ['a weight gradient aᵀ·dy', 40, 151, 8, true],
    ['more than one chunk of b (1024 columns: 64 rows per chunk), transposed a', 5, 200, 1024, true],
    ['a vector times a wide matrix with 8 + 4 + 3 columns left (column sums)', 1, 140, 1031, false],
    ['4-row tiles over 8 + 4 + 1 columns', 9, 30, 13, true],
    ['4-row tiles over 8 + 2 columns', 6, 17, 10, false],
  ] as const)('matches float64: %s', (_name, m, N, n, tA) => {
    check(m, N, n, tA, 3);
  });

  it('gives a row of the product the same values, bit for bit, whatever the number of rows', () => {
    tidy(() => {
      const a = randomNormal([11, 300], 0, 1, 'float32', 5);
      const b = randomNormal([300, 47], 0, 1, 'float32', 6); // 5 × 8 + 4 + 3 columns
      const all = matMul(a, b).dataSync();
      for (const [r0, rows] of [[0, 1], [4, 3], [8, 3], [2, 9]] as const) {
        const part = matMul(slice(a, [r0, 0], [rows, 300]), b).dataSync();
        expect(Array.from(part)).toEqual(Array.from(all.subarray(r0 * 47, (r0 + rows) * 47)));
      }
    });
  });

  it('matches float64 on random sizes and widths, plain and transposed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 8, max: 45 }), fc.boolean(), fc.integer({ min: 1, max: 99 }), (m, N, n, tA, seed) =>
        check(m, N, n, tA, seed),
      ),
      { numRuns: 40 },
    );
  });
});
