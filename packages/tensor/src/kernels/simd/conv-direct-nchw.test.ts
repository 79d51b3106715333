import { concat, randomNormal, slice, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { conv1d, conv2d } from '../../ops/conv/conv.js';
import { expectMatchesReference, plainConvReference } from '../../test-utils/conv-reference.js';
import { convDirectNchwApplies } from './conv-direct-nchw.js';

/** A plain convolution of a one-channel NCHW `[B, 1, H, W]` image by `Co` filters `kH × kW`, padding `[t, b, l, r]`. */
interface Case {
  name: string;
  B: number;
  H: number;
  W: number;
  Co: number;
  kH: number;
  kW: number;
  p: [number, number, number, number];
}

const cases: Case[] = [
  { name: "LeNet's conv1 (5 × 5, six filters, 32 × 32)", B: 2, H: 32, W: 32, Co: 6, kH: 5, kW: 5, p: [0, 0, 0, 0] },
  { name: 'odd sizes, 3 × 2 taps, uneven padding', B: 3, H: 11, W: 29, Co: 5, kH: 3, kW: 2, p: [1, 0, 2, 1] },
  { name: 'one filter, one tap, 8 columns', B: 1, H: 3, W: 8, Co: 1, kH: 1, kW: 1, p: [0, 0, 0, 0] },
  { name: "'same' 7 × 7 on a 17 × 21 image", B: 2, H: 17, W: 21, Co: 4, kH: 7, kW: 7, p: [3, 3, 3, 3] },
];

const outSize = (c: Case): [number, number] => [c.H + c.p[0] + c.p[1] - c.kH + 1, c.W + c.p[2] + c.p[3] - c.kW + 1];

/** y, dx, dw in float64 (the loss is Σ y·dy): the plain convolution's definition with one channel, stride and dilation 1. */
const reference = (c: Case, x: Float32Array, w: Float32Array, dy: Float32Array) =>
  plainConvReference({ B: c.B, C: 1, H: c.H, W: c.W, Co: c.Co, kH: c.kH, kW: c.kW, stride: [1, 1], dilation: [1, 1], p: c.p }, x, w, dy);

function check(c: Case, seed: number): void {
  expectMatchesReference(() => {
    const x = randomNormal([c.B, 1, c.H, c.W], 0, 1, 'float32', seed);
    const w = randomNormal([c.Co, 1, c.kH, c.kW], 0, 1, 'float32', seed + 1);
    const padding = [[c.p[0], c.p[1]], [c.p[2], c.p[3]]] as [[number, number], [number, number]];
    expect(convDirectNchwApplies(x, w, 1, [1, 1], [1, 1], c.p)).toBe(true);
    const [Ho, Wo] = outSize(c);
    expect(conv2d(x, w, null, { padding }).shape).toEqual([c.B, c.Co, Ho, Wo]);
    return {
      x,
      w,
      dy: randomNormal([c.B, c.Co, Ho, Wo], 0, 1, 'float32', seed + 2),
      conv: (a, b) => conv2d(a, b, null, { padding }),
      reference: (xs, ws, dys) => reference(c, xs, ws, dys),
    };
  });
}

describe('direct NCHW wasm SIMD kernels (conv2d of a one-channel image)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are taken only for that convolution: not with 2 channels, groups, a stride, a dilation or fewer than 8 output columns', () => {
    tidy(() => {
      const x = randomNormal([2, 1, 12, 20]);
      const w = randomNormal([6, 1, 5, 5]);
      expect(convDirectNchwApplies(x, w, 1, [1, 1], [1, 1], [0, 0, 0, 0])).toBe(true);
      expect(convDirectNchwApplies(randomNormal([2, 2, 12, 20]), randomNormal([6, 2, 5, 5]), 1, [1, 1], [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(convDirectNchwApplies(randomNormal([2, 2, 12, 20]), randomNormal([6, 1, 5, 5]), 2, [1, 1], [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(convDirectNchwApplies(x, w, 1, [2, 1], [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(convDirectNchwApplies(x, w, 1, [1, 1], [1, 2], [0, 0, 0, 0])).toBe(false);
      expect(convDirectNchwApplies(randomNormal([2, 1, 12, 11]), w, 1, [1, 1], [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(convDirectNchwApplies(randomNormal([2, 1, 12, 11]), w, 1, [1, 1], [1, 1], [0, 0, 1, 1])).toBe(true);
    });
  });

  it.each(cases)('match float64 values and gradients: $name', (c) => {
    check(c, 11);
  });

  it('run conv1d of a one-channel signal too: float64 values and gradients, causal padding', () => {
    const c: Case = { name: 'conv1d', B: 2, H: 1, W: 45, Co: 3, kH: 1, kW: 7, p: [0, 0, 6, 0] };
    expectMatchesReference(() => {
      const x = randomNormal([c.B, 1, c.W], 0, 1, 'float32', 21);
      const w = randomNormal([c.Co, 1, c.kW], 0, 1, 'float32', 22);
      const [, Wo] = outSize(c);
      const conv = (a: Tensor, b: Tensor): Tensor => conv1d(a, b, null, { padding: [[6, 0]] });
      expect(conv(x, w).shape).toEqual([c.B, c.Co, Wo]);
      return { x, w, dy: randomNormal([c.B, c.Co, Wo], 0, 1, 'float32', 23), conv, reference: (xs, ws, dys) => reference(c, xs, ws, dys) };
    });
  });

  it('gives a sample the same values, bit for bit, alone and inside a batch', () => {
    tidy(() => {
      const x = randomNormal([5, 1, 32, 32], 0, 1, 'float32', 43);
      const w = randomNormal([6, 1, 5, 5], 0, 1, 'float32', 44);
      const batch = conv2d(x, w);
      const alone = concat(Array.from({ length: 5 }, (_, b) => conv2d(slice(x, [b, 0, 0, 0], [1, 1, 32, 32]), w)));
      expect(Array.from(alone.dataSync())).toEqual(Array.from(batch.dataSync()));
    });
  });

  it('match float64 values and gradients on random shapes and paddings (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          B: fc.integer({ min: 1, max: 2 }),
          H: fc.integer({ min: 1, max: 12 }),
          W: fc.integer({ min: 1, max: 40 }),
          Co: fc.integer({ min: 1, max: 5 }),
          kH: fc.integer({ min: 1, max: 5 }),
          kW: fc.integer({ min: 1, max: 6 }),
          p: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)),
          seed: fc.integer({ min: 1, max: 1000 }),
        }).filter((c) => c.H + c.p[0] + c.p[1] >= c.kH && c.W + c.p[2] + c.p[3] - c.kW + 1 >= 8),
        (c) => check({ name: 'random', ...c }, c.seed),
      ),
      { numRuns: 60 },
    );
  });
});
