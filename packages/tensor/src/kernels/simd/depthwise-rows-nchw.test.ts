import { concat, randomNormal, slice, tidy } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { conv2d } from '../../ops/conv/conv.js';
import { expectMatchesReference } from '../../test-utils/conv-reference.js';
import { depthwiseRowsNchwApplies } from './depthwise-rows-nchw.js';

/** A depthwise `1 × K` convolution of NCHW `[B, C, H, T]`, dilation d, padding [pL, pR] along T. */
interface Case {
  name: string;
  B: number;
  C: number;
  H: number;
  T: number;
  K: number;
  d: number;
  pL: number;
  pR: number;
}

const cases: Case[] = [
  { name: "EEGNet's separable depthwise (1, 16), 'same'", B: 2, C: 16, H: 1, T: 62, K: 16, d: 1, pL: 7, pR: 8 },
  { name: 'dilated, odd T, 3 channels over 2 rows', B: 2, C: 3, H: 2, T: 37, K: 4, d: 2, pL: 3, pR: 3 },
  { name: 'left padding only (causal), 5 taps', B: 1, C: 2, H: 1, T: 29, K: 5, d: 1, pL: 4, pR: 0 },
  { name: 'kernel wider than the input', B: 2, C: 1, H: 1, T: 6, K: 9, d: 1, pL: 8, pR: 8 },
  { name: 'no padding, one tap', B: 3, C: 4, H: 3, T: 10, K: 1, d: 1, pL: 0, pR: 0 },
];

const outWidth = (c: Case): number => c.T + c.pL + c.pR - (c.K - 1) * c.d;

/** y, dx, dw in float64; the loss is Σ y·dy. */
function reference(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const To = outWidth(c);
  const R = c.B * c.C * c.H;
  const y = new Float64Array(R * To);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let r = 0; r < R; r++) {
    const ch = Math.floor(r / c.H) % c.C;
    for (let t = 0; t < To; t++) {
      for (let k = 0; k < c.K; k++) {
        const i = t - c.pL + k * c.d;
        if (i < 0 || i >= c.T) continue;
        y[r * To + t]! += w[ch * c.K + k]! * x[r * c.T + i]!;
        dx[r * c.T + i]! += w[ch * c.K + k]! * dy[r * To + t]!;
        dw[ch * c.K + k]! += x[r * c.T + i]! * dy[r * To + t]!;
      }
    }
  }
  return { y, dx, dw };
}

function check(c: Case, seed: number): void {
  expectMatchesReference(() => {
    const x = randomNormal([c.B, c.C, c.H, c.T], 0, 1, 'float32', seed);
    const w = randomNormal([c.C, 1, 1, c.K], 0, 1, 'float32', seed + 1);
    expect(depthwiseRowsNchwApplies(x, w, c.C, [1, 1], [0, 0, c.pL, c.pR])).toBe(true);
    const opts = { groups: c.C, dilation: [1, c.d] as [number, number], padding: [[0, 0], [c.pL, c.pR]] as [[number, number], [number, number]] };
    expect(conv2d(x, w, null, opts).shape).toEqual([c.B, c.C, c.H, outWidth(c)]);
    return {
      x,
      w,
      dy: randomNormal([c.B, c.C, c.H, outWidth(c)], 0, 1, 'float32', seed + 2),
      conv: (a, b) => conv2d(a, b, null, opts),
      reference: (xs, ws, dys) => reference(c, xs, ws, dys),
    };
  });
}

describe('depthwise-rows NCHW wasm SIMD kernels (conv2d: a depthwise 1 × K filter, multiplier 1)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are taken only for that convolution: not with multiplier 2, two rows of taps, a stride or H padding', () => {
    tidy(() => {
      const x = randomNormal([2, 4, 3, 20]);
      const w = randomNormal([4, 1, 1, 5]);
      expect(depthwiseRowsNchwApplies(x, w, 4, [1, 1], [0, 0, 2, 2])).toBe(true);
      expect(depthwiseRowsNchwApplies(x, randomNormal([8, 1, 1, 5]), 4, [1, 1], [0, 0, 2, 2])).toBe(false);
      expect(depthwiseRowsNchwApplies(x, randomNormal([4, 1, 2, 5]), 4, [1, 1], [0, 0, 2, 2])).toBe(false);
      expect(depthwiseRowsNchwApplies(x, w, 4, [1, 2], [0, 0, 2, 2])).toBe(false);
      expect(depthwiseRowsNchwApplies(x, w, 4, [1, 1], [1, 0, 2, 2])).toBe(false);
      expect(depthwiseRowsNchwApplies(x, randomNormal([4, 4, 1, 5]), 1, [1, 1], [0, 0, 2, 2])).toBe(false);
    });
  });

  it.each(cases)('match float64 values and gradients: $name', (c) => {
    check(c, 7);
  });

  it('gives a sample the same values, bit for bit, alone and inside a batch', () => {
    tidy(() => {
      const x = randomNormal([5, 16, 1, 61], 0, 1, 'float32', 41);
      const w = randomNormal([16, 1, 1, 16], 0, 1, 'float32', 42);
      const opts = { groups: 16, padding: 'same' as const };
      const batch = conv2d(x, w, null, opts);
      const alone = concat(Array.from({ length: 5 }, (_, b) => conv2d(slice(x, [b, 0, 0, 0], [1, 16, 1, 61]), w, null, opts)));
      expect(Array.from(alone.dataSync())).toEqual(Array.from(batch.dataSync()));
    });
  });

  it('match float64 values and gradients on random shapes, paddings and dilations (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          B: fc.integer({ min: 1, max: 2 }),
          C: fc.integer({ min: 1, max: 5 }),
          H: fc.integer({ min: 1, max: 3 }),
          T: fc.integer({ min: 1, max: 45 }),
          K: fc.integer({ min: 1, max: 9 }),
          d: fc.integer({ min: 1, max: 3 }),
          pL: fc.integer({ min: 0, max: 10 }),
          pR: fc.integer({ min: 0, max: 10 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }).filter((c) => c.T + c.pL + c.pR - (c.K - 1) * c.d >= 1),
        (c) => check({ name: 'random', ...c }, c.seed),
      ),
      { numRuns: 60 },
    );
  });
});
