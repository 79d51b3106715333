import { cast, concat, randomNormal, reshape, slice, tidy } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { conv1d, conv2d } from '../../ops/conv/conv.js';
import { expectMatchesReference } from '../../test-utils/conv-reference.js';
import { depthwiseSpatialNchwApplies, pointwiseNchwApplies } from './depthwise-spatial-nchw.js';

/** A depthwise [H, 1] filter over all H rows of NCHW [B, C, H, T], multiplier M. */
interface Case {
  name: string;
  B: number;
  C: number;
  H: number;
  T: number;
  M: number;
}

const cases: Case[] = [
  { name: "EEGNet's spatial filter, 22 electrodes, F1 = 8, D = 2", B: 2, C: 8, H: 22, T: 50, M: 2 },
  { name: 'odd T: blocks of 16 and 4, then one at a time', B: 3, C: 3, H: 5, T: 39, M: 1 },
  { name: 'multiplier 3, 5 channels', B: 2, C: 5, H: 7, T: 21, M: 3 },
  { name: 'T below one vector', B: 1, C: 2, H: 3, T: 3, M: 2 },
  { name: 'one row, one channel', B: 4, C: 1, H: 1, T: 17, M: 4 },
  { name: 'rows longer than DSN_TILES_MAX_T: the filter gradient one dot product at a time', B: 2, C: 2, H: 5, T: 301, M: 3 },
  { name: 'short rows: 2 × 4 dot products, odd M and H', B: 2, C: 2, H: 6, T: 37, M: 3 },
];

/** y, dx, dw in float64 (PyTorch layout); the loss is Σ y·dy. */
function reference(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const { B, C, H, T, M } = c;
  const y = new Float64Array(B * C * M * T);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < C * M; o++) {
      const ch = Math.floor(o / M);
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) {
          const xi = ((b * C + ch) * H + h) * T + t;
          const yi = (b * C * M + o) * T + t;
          y[yi]! += w[o * H + h]! * x[xi]!;
          dx[xi]! += w[o * H + h]! * dy[yi]!;
          dw[o * H + h]! += x[xi]! * dy[yi]!;
        }
      }
    }
  }
  return { y, dx, dw };
}

function check(c: Case, seed: number): void {
  expectMatchesReference(() => {
    const x = randomNormal([c.B, c.C, c.H, c.T], 0, 1, 'float32', seed);
    const w = randomNormal([c.C * c.M, 1, c.H, 1], 0, 1, 'float32', seed + 1);
    expect(depthwiseSpatialNchwApplies(x, w, c.C, [1, 1], [0, 0, 0, 0])).toBe(true);
    expect(conv2d(x, w, null, { groups: c.C }).shape).toEqual([c.B, c.C * c.M, 1, c.T]);
    return {
      x,
      w,
      dy: randomNormal([c.B, c.C * c.M, 1, c.T], 0, 1, 'float32', seed + 2),
      conv: (a, b) => conv2d(a, b, null, { groups: c.C }),
      reference: (xs, ws, dys) => reference(c, xs, ws, dys),
    };
  });
}

/**
 * A pointwise convolution of `[B, Ci, Hs, Ws]` into Co channels in `groups` groups is the spatial
 * kernel's product on views: C = groups, H = Ci/groups input rows, T = Hs·Ws, M = Co/groups.
 * Checked through conv2d (or conv1d when Hs = 1 and `oneD`) against the same float64 reference.
 */
function checkPointwise(B: number, Ci: number, Hs: number, Ws: number, Co: number, groups: number, seed: number, oneD = false): void {
  expectMatchesReference(() => {
    const x = randomNormal([B, Ci, Hs, Ws], 0, 1, 'float32', seed);
    const w = randomNormal([Co, Ci / groups, 1, 1], 0, 1, 'float32', seed + 1);
    expect(pointwiseNchwApplies(x, w, groups, [1, 1], [0, 0, 0, 0])).toBe(true);
    const c: Case = { name: 'pointwise', B, C: groups, H: Ci / groups, T: Hs * Ws, M: Co / groups };
    return {
      x,
      w,
      dy: randomNormal([B, Co, Hs, Ws], 0, 1, 'float32', seed + 2),
      conv: (a, b) =>
        oneD ? reshape(conv1d(reshape(a, [B, Ci, Ws]), reshape(b, [Co, Ci / groups, 1]), null, { groups }), [B, Co, 1, Ws]) : conv2d(a, b, null, { groups }),
      reference: (xs, ws, dys) => reference(c, xs, ws, dys),
    };
  });
}

describe('depthwise-spatial NCHW wasm SIMD kernels (conv2d: a depthwise filter over all rows, one column)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are taken only for that convolution: not with padding, a wider kernel, a W stride, groups 1 or int32', () => {
    tidy(() => {
      const x = randomNormal([2, 4, 6, 10]);
      const w = randomNormal([8, 1, 6, 1]);
      expect(depthwiseSpatialNchwApplies(x, w, 4, [3, 1], [0, 0, 0, 0])).toBe(true);
      expect(depthwiseSpatialNchwApplies(x, w, 4, [1, 1], [1, 1, 0, 0])).toBe(false);
      expect(depthwiseSpatialNchwApplies(x, w, 4, [1, 2], [0, 0, 0, 0])).toBe(false);
      expect(depthwiseSpatialNchwApplies(x, randomNormal([8, 1, 6, 2]), 4, [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(depthwiseSpatialNchwApplies(x, randomNormal([8, 1, 5, 1]), 4, [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(depthwiseSpatialNchwApplies(x, randomNormal([8, 4, 6, 1]), 1, [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(depthwiseSpatialNchwApplies(cast(x, 'int32'), w, 4, [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(depthwiseSpatialNchwApplies(randomNormal([0, 4, 6, 10]), w, 4, [1, 1], [0, 0, 0, 0])).toBe(false);
    });
  });

  it.each(cases)('match float64 values and gradients: $name', (c) => {
    check(c, 3);
  });

  it('adds the bias per output channel, and a stride along H changes nothing (one output row)', () => {
    tidy(() => {
      const x = randomNormal([2, 3, 4, 9], 0, 1, 'float32', 5);
      const w = randomNormal([6, 1, 4, 1], 0, 1, 'float32', 6);
      const bias = randomNormal([6], 0, 1, 'float32', 7);
      const plain = conv2d(x, w, null, { groups: 3 });
      const y = conv2d(x, w, bias, { groups: 3, stride: [2, 1] });
      const want = plain.dataSync();
      const b = bias.dataSync();
      const got = y.dataSync();
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]! + b[Math.floor(i / 9) % 6]!, 5);
    });
  });

  it("gives a sample the same values, bit for bit, alone and inside a batch", () => {
    tidy(() => {
      const x = randomNormal([5, 4, 22, 37], 0, 1, 'float32', 11);
      const w = randomNormal([8, 1, 22, 1], 0, 1, 'float32', 12);
      const batch = conv2d(x, w, null, { groups: 4 });
      const alone = concat(Array.from({ length: 5 }, (_, b) => conv2d(slice(x, [b, 0, 0, 0], [1, 4, 22, 37]), w, null, { groups: 4 })));
      expect(Array.from(alone.dataSync())).toEqual(Array.from(batch.dataSync()));
    });
  });

  it('match float64 values and gradients on random shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 1000 }),
        (B, C, H, T, M, seed) => {
          check({ name: 'random', B, C, H, T, M }, seed);
        },
      ),
      { numRuns: 50 },
    );
  });
  it('take small pointwise convolutions, not large blocks, strides or padding', () => {
    tidy(() => {
      const w = randomNormal([16, 16, 1, 1]);
      expect(pointwiseNchwApplies(randomNormal([2, 16, 1, 250]), w, 1, [1, 1], [0, 0, 0, 0])).toBe(true);
      expect(pointwiseNchwApplies(randomNormal([1, 64, 73, 73]), randomNormal([80, 64, 1, 1]), 1, [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(pointwiseNchwApplies(randomNormal([2, 16, 1, 250]), w, 1, [1, 2], [0, 0, 0, 0])).toBe(false);
      expect(pointwiseNchwApplies(randomNormal([2, 16, 1, 250]), w, 1, [1, 1], [0, 0, 1, 1])).toBe(false);
      expect(pointwiseNchwApplies(randomNormal([2, 16, 1, 250]), randomNormal([16, 16, 1, 3]), 1, [1, 1], [0, 0, 0, 0])).toBe(false);
    });
  });

  it.each([
    { name: "EEGNet's separable 1 × 1, 16 → 16", B: 2, Ci: 16, Hs: 1, Ws: 50, Co: 16, groups: 1, oneD: false },
    { name: '2-D, odd sizes, 5 → 3', B: 3, Ci: 5, Hs: 3, Ws: 7, Co: 3, groups: 1, oneD: false },
    { name: 'grouped, 6 → 4 in 2 groups', B: 2, Ci: 6, Hs: 2, Ws: 9, Co: 4, groups: 2, oneD: false },
    { name: 'conv1d, a TCN block\'s 1 × 1 residual 16 → 12', B: 4, Ci: 16, Hs: 1, Ws: 15, Co: 12, groups: 1, oneD: true },
  ])('pointwise convolutions match float64 values and gradients: $name', ({ B, Ci, Hs, Ws, Co, groups, oneD }) => {
    checkPointwise(B, Ci, Hs, Ws, Co, groups, 21, oneD);
  });

  it('pointwise convolutions add the bias per output channel (conv2d and conv1d)', () => {
    tidy(() => {
      const x = randomNormal([2, 4, 1, 9], 0, 1, 'float32', 31);
      const w = randomNormal([3, 4, 1, 1], 0, 1, 'float32', 32);
      const bias = randomNormal([3], 0, 1, 'float32', 33);
      const plain = conv2d(x, w).dataSync();
      const b = bias.dataSync();
      const y2 = conv2d(x, w, bias).dataSync();
      const y1 = conv1d(reshape(x, [2, 4, 9]), reshape(w, [3, 4, 1]), bias).dataSync();
      for (let i = 0; i < plain.length; i++) {
        expect(y2[i]).toBeCloseTo(plain[i]! + b[Math.floor(i / 9) % 3]!, 5);
        expect(y1[i]).toBeCloseTo(plain[i]! + b[Math.floor(i / 9) % 3]!, 5);
      }
    });
  });
});
