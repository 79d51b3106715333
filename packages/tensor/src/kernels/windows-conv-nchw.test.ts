import { concat, dispose, profile, randomNormal, slice, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { conv2d } from '../ops/conv/conv.js';
import { expectMatchesReference, plainConvOut, plainConvReference, type PlainConvGeometry } from '../test-utils/conv-reference.js';
import { convWindowsNchwApplies, NNKIT_CONV_WINDOWS_NCHW } from './windows-conv-nchw.js';

interface Case extends PlainConvGeometry {
  name: string;
}

const cases: Case[] = [
  { name: "Inception's stem shape (3 × 3 stride 2, 3 → 32), 35²", B: 1, C: 3, H: 35, W: 35, Co: 32, kH: 3, kW: 3, stride: [2, 2], dilation: [1, 1], p: [0, 0, 0, 0] },
  { name: "an RGB stem with 'same'-style padding, batch 3, odd sizes", B: 3, C: 3, H: 13, W: 17, Co: 5, kH: 3, kW: 3, stride: [1, 1], dilation: [1, 1], p: [1, 1, 1, 1] },
  { name: 'two channels, 7 × 7 stride 2, uneven padding', B: 2, C: 2, H: 19, W: 23, Co: 9, kH: 7, kW: 7, stride: [2, 2], dilation: [1, 1], p: [3, 2, 3, 2] },
  { name: 'four channels, dilation 2, strides 1 × 3', B: 2, C: 4, H: 11, W: 30, Co: 6, kH: 3, kW: 2, stride: [1, 3], dilation: [2, 2], p: [0, 1, 2, 0] },
  { name: 'one channel with a stride (the direct kernel takes stride 1 only)', B: 2, C: 1, H: 16, W: 16, Co: 4, kH: 5, kW: 5, stride: [2, 2], dilation: [1, 1], p: [2, 2, 2, 2] },
];

function check(c: Case, seed: number): void {
  expectMatchesReference(() => {
    const x = randomNormal([c.B, c.C, c.H, c.W], 0, 1, 'float32', seed);
    const w = randomNormal([c.Co, c.C, c.kH, c.kW], 0, 1, 'float32', seed + 1);
    const opts = { stride: c.stride, dilation: c.dilation, padding: [[c.p[0], c.p[1]], [c.p[2], c.p[3]]] as [[number, number], [number, number]] };
    expect(convWindowsNchwApplies(x, w, 1, c.stride, c.dilation, c.p)).toBe(true);
    const [Ho, Wo] = plainConvOut(c);
    return {
      x,
      w,
      dy: randomNormal([c.B, c.Co, Ho, Wo], 0, 1, 'float32', seed + 2),
      conv: (a, b) => conv2d(a, b, null, opts),
      reference: (xs, ws, dys) => plainConvReference(c, xs, ws, dys),
    };
  });
}

describe('NCHW window convolution (conv2d of a few-channel image as one product per sample)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is taken only for few channels, no groups and at least 8 outputs per sample', () => {
    tidy(() => {
      expect(convWindowsNchwApplies(randomNormal([1, 3, 35, 35]), randomNormal([32, 3, 3, 3]), 1, [2, 2], [1, 1], [0, 0, 0, 0])).toBe(true);
      expect(convWindowsNchwApplies(randomNormal([1, 5, 35, 35]), randomNormal([32, 5, 3, 3]), 1, [2, 2], [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(convWindowsNchwApplies(randomNormal([1, 4, 35, 35]), randomNormal([8, 2, 3, 3]), 2, [2, 2], [1, 1], [0, 0, 0, 0])).toBe(false);
      expect(convWindowsNchwApplies(randomNormal([1, 3, 4, 4]), randomNormal([8, 3, 3, 3]), 1, [1, 1], [1, 1], [0, 0, 0, 0])).toBe(false);
    });
  });

  it('runs an RGB stem as one kernel: no layout or weight transposes', async () => {
    const x = randomNormal([1, 3, 35, 35]);
    const w = randomNormal([32, 3, 3, 3]);
    const info = await profile(() => conv2d(x, w, null, { stride: 2 }));
    expect(info.kernels.map((k) => k.name)).toEqual([NNKIT_CONV_WINDOWS_NCHW]);
    expect(info.result).toBeDefined();
    tidy(() => [x, w].forEach((t) => t.dispose()));
    dispose(info.result as Tensor);
  });

  it.each(cases)('matches float64 values and gradients: $name', (c) => {
    check(c, 31);
  });

  it('gives a sample the same values, bit for bit, alone and inside a batch', () => {
    tidy(() => {
      const x = randomNormal([4, 3, 21, 21], 0, 1, 'float32', 53);
      const w = randomNormal([16, 3, 3, 3], 0, 1, 'float32', 54);
      const batch = conv2d(x, w, null, { stride: 2, padding: 1 });
      const alone = concat(Array.from({ length: 4 }, (_, b) => conv2d(slice(x, [b, 0, 0, 0], [1, 3, 21, 21]), w, null, { stride: 2, padding: 1 })));
      expect(Array.from(alone.dataSync())).toEqual(Array.from(batch.dataSync()));
    });
  });

  it('matches float64 values and gradients on random shapes, strides, dilations and paddings (property)', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            B: fc.integer({ min: 1, max: 2 }),
            C: fc.integer({ min: 1, max: 4 }),
            H: fc.integer({ min: 1, max: 12 }),
            W: fc.integer({ min: 1, max: 24 }),
            Co: fc.integer({ min: 1, max: 9 }),
            kH: fc.integer({ min: 1, max: 4 }),
            kW: fc.integer({ min: 1, max: 4 }),
            stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
            dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
            p: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
            seed: fc.integer({ min: 1, max: 1000 }),
          })
          .filter((c) => {
            const [Ho, Wo] = plainConvOut(c);
            return Ho >= 1 && Wo >= 1 && Ho * Wo >= 8 && !(c.C === 1 && c.stride[0] === 1 && c.stride[1] === 1 && c.dilation[0] === 1 && c.dilation[1] === 1 && Wo >= 8);
          }),
        (c) => check({ name: 'random', ...c }, c.seed),
      ),
      { numRuns: 60 },
    );
  });
});
