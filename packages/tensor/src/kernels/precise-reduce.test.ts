import fc from 'fast-check';
import { getKernel, mean, memory, moments, sum, tensor, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { reduceSumF64 } from './precise-reduce.js';

/** Naive float64 reduction by multi-index, for reference. */
function naive(vals: Float32Array, shape: number[], axes: number[], keepDims: boolean): { shape: number[]; values: number[] } {
  const outShape = shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outSize = kept.reduce((p, i) => p * shape[i]!, 1);
  const acc = new Array<number>(outSize).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < vals.length; flat++) {
    let rem = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    let o = 0;
    for (const d of kept) o = o * shape[d]! + idx[d]!;
    acc[o]! += vals[flat]!;
  }
  return { shape: outShape, values: acc };
}

describe('reduceSumF64', () => {
  it('equals a float64 reduction for any shape and axes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        (shape, pick) => {
          const axes = shape.map((_, i) => i).filter((i) => pick[i]);
          const size = shape.reduce((a, b) => a * b, 1);
          const vals = Float32Array.from({ length: size }, (_, i) => Math.fround(Math.sin(i * 1.7) * 10));
          const got = reduceSumF64(vals, shape, axes);
          const want = naive(vals, shape, axes, false).values;
          expect(got.length).toBe(want.length);
          want.forEach((w, i) => expect(got[i]).toBe(Math.fround(w)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('precise Sum and Mean on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are installed by initBackend for float32, and leave int32 to the original kernel', () => {
    expect(getKernel('Sum', 'wasm')).toBeDefined();
    const s = sum(tensor([1, 2, 3, 4], [2, 2], 'int32'), 1);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([3, 7]);
    s.dispose();
  });

  it('match tfjs semantics: axes (negative, any order), keepDims, all axes, mean of an empty axis', () => {
    tidy(() => {
      const vals = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 7.5);
      const x = tensor(vals, [2, 3, 4]);
      for (const [axes, keepDims] of [[[0, 2], false], [[-1], true], [[2, 0], true], [[1], false]] as const) {
        const norm = axes.map((a) => (a < 0 ? a + 3 : a));
        const want = naive(vals, [2, 3, 4], norm, keepDims);
        const s = sum(x, [...axes], keepDims);
        expect(s.shape).toEqual(want.shape);
        expect(Array.from(s.dataSync())).toEqual(want.values.map(Math.fround));
        const n = norm.reduce((p, a) => p * [2, 3, 4][a]!, 1);
        expect(Array.from(mean(x, [...axes], keepDims).dataSync())).toEqual(want.values.map((v) => Math.fround(v / n)));
      }
      expect(sum(x).dataSync()[0]).toBe(vals.reduce((a, b) => a + b, 0));
      expect(sum(x).shape).toEqual([]);
      expect(Number.isNaN(mean(tensor([], [2, 0]), 1).dataSync()[0])).toBe(true);
      expect(Array.from(sum(tensor([], [3, 0]), 1).dataSync())).toEqual([0, 0, 0]);
    });
  });

  it('keep a batch norm over 64 × 1000 values per channel at PyTorch precision (float32 summation was off by 1e-4)', () => {
    // 64k values with a large mean: the float32 running sum drifts; float64 does not.
    const n = 64 * 1000;
    const vals = Float32Array.from({ length: n }, (_, i) => Math.fround(3 + Math.sin(i * 0.013) + 0.25 * Math.cos(i * 2.1)));
    let s64 = 0;
    for (const v of vals) s64 += v;
    const m64 = s64 / n;
    let v64 = 0;
    for (const v of vals) v64 += (v - m64) ** 2;
    v64 /= n;
    tidy(() => {
      const { mean: m, variance } = moments(tensor(vals, [64, 1, 1000]), [0, 2]);
      expect(Math.abs(m.dataSync()[0]! - m64)).toBeLessThan(1e-6);
      expect(Math.abs(variance.dataSync()[0]! - v64) / v64).toBeLessThan(1e-6);
    });
  });

  it('equal a float64 reduction for any shape and axes on the SIMD leaves (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 11 }), { minLength: 0, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (shape, pick, isMean) => {
          const axes = shape.map((_, i) => i).filter((i) => pick[i]);
          const size = shape.reduce((a, b) => a * b, 1);
          const vals = Float32Array.from({ length: size }, (_, i) => Math.fround(Math.sin(i * 1.7) * 10 + 3));
          const want = naive(vals, shape, axes, false).values;
          const n = axes.reduce((p, i) => p * shape[i]!, 1);
          tidy(() => {
            const t = tensor(vals, shape);
            const got = (isMean ? mean(t, axes) : sum(t, axes)).dataSync();
            expect(got.length).toBe(want.length);
            want.forEach((w, i) => expect(Math.abs(got[i]! - (isMean ? w / n : w))).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(isMean ? w / n : w))));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('does not leak', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = memory().numTensors;
    sum(x, 0).dispose();
    mean(x, [0, 1]).dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});
