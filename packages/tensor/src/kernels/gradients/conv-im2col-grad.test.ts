import { memory, randomNormal, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { col2imInputGrad, im2colFilterGrad } from './conv-im2col-grad.js';
import { simdCol2imInputGrad, simdIm2colFilterGrad } from './conv-patches-grad.js';
import { convFilterGrad, convInputGrad, flipSpatial } from './NnkitConv2D-grad.js';
import type { NnkitConvAttrs } from '../conv-nhwc.js';

/** A plain NHWC convolution: x, filter [kH, kW, Cin, Cout], strides, dilations, [t, b, l, r] padding. */
interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  d: [number, number];
  p: [number, number, number, number];
}

const cases: Case[] = [
  { name: 'stride 2, no padding (Inception stem)', x: [2, 9, 11, 3], f: [3, 3, 3, 4], s: [2, 2], d: [1, 1], p: [0, 0, 0, 0] },
  { name: 'stride 2 with an unread last row/column', x: [1, 8, 10, 2], f: [3, 3, 2, 3], s: [2, 2], d: [1, 1], p: [0, 0, 0, 0] },
  { name: 'stride (3, 2), dilation (2, 1), asymmetric padding', x: [2, 13, 9, 3], f: [2, 3, 3, 5], s: [3, 2], d: [2, 1], p: [1, 2, 0, 1] },
  { name: 'one input channel, 5 × 5, stride 1 (LeNet conv1)', x: [3, 12, 12, 1], f: [5, 5, 1, 6], s: [1, 1], d: [1, 1], p: [0, 0, 0, 0] },
  { name: '1 × 7 with padding, dilation 2', x: [1, 5, 17, 4], f: [1, 7, 4, 3], s: [1, 1], d: [1, 2], p: [0, 0, 6, 6] },
  { name: '1 × 1 stride 2', x: [2, 7, 7, 5], f: [1, 1, 5, 4], s: [2, 2], d: [1, 1], p: [0, 0, 0, 0] },
];

const attrs = (c: Case): NnkitConvAttrs => ({ strides: c.s, dilations: c.d, pad: c.p, depthwise: false });

function outSize(c: Case): [number, number] {
  const o = (n: number, k: number, s: number, d: number, p0: number, p1: number): number => Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
  return [o(c.x[1], c.f[0], c.s[0], c.d[0], c.p[0], c.p[1]), o(c.x[2], c.f[1], c.s[1], c.d[1], c.p[2], c.p[3])];
}

/** Plain-loop gradients of the convolution (float64): dx and dW for a given dy. */
function reference(c: Case, x: Float32Array, f: Float32Array, dy: Float32Array): { dx: Float64Array; dw: Float64Array } {
  const [B, H, W, C] = c.x;
  const [kH, kW, , O] = c.f;
  const [Ho, Wo] = outSize(c);
  const dx = new Float64Array(B * H * W * C);
  const dw = new Float64Array(kH * kW * C * O);
  for (let b = 0; b < B; b++)
    for (let ho = 0; ho < Ho; ho++)
      for (let wo = 0; wo < Wo; wo++)
        for (let i = 0; i < kH; i++)
          for (let j = 0; j < kW; j++) {
            const h = ho * c.s[0] + i * c.d[0] - c.p[0];
            const w = wo * c.s[1] + j * c.d[1] - c.p[2];
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            for (let ci = 0; ci < C; ci++)
              for (let o = 0; o < O; o++) {
                const g = dy[((b * Ho + ho) * Wo + wo) * O + o]!;
                const xi = ((b * H + h) * W + w) * C + ci;
                const fi = ((i * kW + j) * C + ci) * O + o;
                dx[xi]! += g * f[fi]!;
                dw[fi]! += g * x[xi]!;
              }
          }
  return { dx, dw };
}

function maxDiff(t: Tensor, ref: Float64Array): number {
  const v = t.dataSync();
  return ref.reduce((m, r, i) => Math.max(m, Math.abs(r - v[i]!)), 0);
}

/** Random x, filter and dy for a case (seeded) and the plain-loop gradients for them. */
function operands(c: Case, seed: number): { x: Tensor; f: Tensor; dy: Tensor; ref: { dx: Float64Array; dw: Float64Array } } {
  const [Ho, Wo] = outSize(c);
  const x = randomNormal(c.x, 0, 1, 'float32', seed);
  const f = randomNormal(c.f, 0, 1, 'float32', seed + 1);
  const dy = randomNormal([c.x[0], Ho, Wo, c.f[3]], 0, 1, 'float32', seed + 2);
  return { x, f, dy, ref: reference(c, x.dataSync() as Float32Array, f.dataSync() as Float32Array, dy.dataSync() as Float32Array) };
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`im2col / col2im convolution gradients (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it.each(cases)('col2im input gradient matches plain loops: $name', (c) => {
      const before = memory().numTensors;
      tidy(() => {
        const { x, f, dy, ref } = operands(c, 1);
        const dx = col2imInputGrad(dy, c.x, f, attrs(c));
        expect(dx.shape).toEqual(c.x);
        expect(maxDiff(dx, ref.dx)).toBeLessThan(1e-4);
        // and the generic path agrees
        expect(maxDiff(convInputGrad(dy, x, f, attrs(c)), ref.dx)).toBeLessThan(1e-4);
      });
      expect(memory().numTensors).toBe(before);
    });

    it.each(cases)('im2col filter gradient matches plain loops, whole batch and in chunks: $name', (c) => {
      const before = memory().numTensors;
      tidy(() => {
        const { x, f, dy, ref } = operands(c, 4);
        const whole = im2colFilterGrad(dy, x, c.f[0], c.f[1], attrs(c));
        expect(whole.shape).toEqual(c.f);
        expect(maxDiff(whole, ref.dw)).toBeLessThan(1e-4);
        expect(maxDiff(im2colFilterGrad(dy, x, c.f[0], c.f[1], attrs(c), 1), ref.dw)).toBeLessThan(1e-4);
        expect(maxDiff(convFilterGrad(dy, x, f, attrs(c)), ref.dw)).toBeLessThan(1e-4);
      });
      expect(memory().numTensors).toBe(before);
    });

    // nnkit's SIMD window kernels (wasm only): the same plain loops, chunked filter gradient too.
    if (backend === 'wasm')
      it.each(cases)('SIMD col2im input gradient and SIMD im2col filter gradient (whole batch, in chunks) match plain loops: $name', (c) => {
      const before = memory().numTensors;
      tidy(() => {
        const { x, f, dy, ref } = operands(c, 8);
        const dx = simdCol2imInputGrad(dy, c.x, f, attrs(c));
        expect(dx.shape).toEqual(c.x);
        expect(maxDiff(dx, ref.dx)).toBeLessThan(1e-4);
        const whole = simdIm2colFilterGrad(dy, x, c.f, attrs(c));
        expect(whole.shape).toEqual(c.f);
        expect(maxDiff(whole, ref.dw)).toBeLessThan(1e-4);
        expect(maxDiff(simdIm2colFilterGrad(dy, x, c.f, attrs(c), 1), ref.dw)).toBeLessThan(1e-4);
      });
      expect(memory().numTensors).toBe(before);
    });

    it('flipSpatial reverses both spatial axes', () => {
      tidy(() => {
        const f = randomNormal([2, 3, 2, 2], 0, 1, 'float32', 7);
        const v = f.arraySync() as number[][][][];
        const flipped = flipSpatial(f).arraySync() as number[][][][];
        expect(flipped).toEqual(v.map((_, i) => v[1 - i]!.map((_r, j) => v[1 - i]![2 - j]!)));
      });
    });
  });
}
