import { grads, memory, mul, randomNormal, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { conv2dNhwc } from '../../ops/conv/kernel-conv.js';
import { convGradStrategy } from '../gradients/NnkitConv2D-grad.js';
import { hasSimdDepthwise } from './depthwise-rows.js';

/** A 1 × K depthwise convolution over [B, H, W, C] with dilation d and [pL, pR] padding along W. */
interface Case {
  name: string;
  B: number;
  H: number;
  W: number;
  C: number;
  K: number;
  d: number;
  pL: number;
  pR: number;
}

const cases: Case[] = [
  { name: "EEG-TCNet's temporal filter (32 taps, 'same')", B: 3, H: 1, W: 70, C: 16, K: 32, d: 1, pL: 15, pR: 16 },
  { name: 'separable 1 × 16, odd width', B: 2, H: 1, W: 37, C: 8, K: 16, d: 1, pL: 7, pR: 8 },
  { name: 'dilated causal (TCN), left padding only', B: 2, H: 1, W: 29, C: 12, K: 4, d: 3, pL: 9, pR: 0 },
  { name: 'several rows, no padding, 4 channels', B: 1, H: 3, W: 11, C: 4, K: 5, d: 1, pL: 0, pR: 0 },
  { name: 'kernel wider than the input (padding does the rest)', B: 2, H: 1, W: 6, C: 4, K: 9, d: 1, pL: 8, pR: 8 },
  { name: 'one tap', B: 2, H: 2, W: 9, C: 8, K: 1, d: 1, pL: 0, pR: 0 },
  { name: 'right padding only, dilation 2', B: 1, H: 1, W: 17, C: 4, K: 6, d: 2, pL: 0, pR: 10 },
  { name: 'output of one column', B: 2, H: 1, W: 7, C: 4, K: 7, d: 1, pL: 0, pR: 0 },
];

const outWidth = (c: Case): number => c.W + c.pL + c.pR - (c.K - 1) * c.d;

/** y, dx and df of the case in float64: y[r,w,c] = Σ_k f[k,c]·x[r, w − pL + k·d, c]; the loss is Σ y·dy. */
function reference(c: Case, x: Float32Array, f: Float32Array, dy: Float32Array): { y: Float64Array; dx: Float64Array; df: Float64Array } {
  const { B, H, W, C, K, d, pL } = c;
  const Wo = outWidth(c);
  const y = new Float64Array(B * H * Wo * C);
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  for (let r = 0; r < B * H; r++) {
    for (let w = 0; w < Wo; w++) {
      for (let k = 0; k < K; k++) {
        const i = w - pL + k * d;
        if (i < 0 || i >= W) continue;
        for (let ch = 0; ch < C; ch++) {
          const o = (r * Wo + w) * C + ch;
          const xi = (r * W + i) * C + ch;
          y[o]! += f[k * C + ch]! * x[xi]!;
          dx[xi]! += f[k * C + ch]! * dy[o]!;
          df[k * C + ch]! += x[xi]! * dy[o]!;
        }
      }
    }
  }
  return { y, dx, df };
}

function expectClose(got: Float32Array, want: Float64Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(got.length, what).toBe(want.length);
  expect(worst, what).toBeLessThan(1e-5);
}

/** Runs the case through `conv2dNhwc` (nnkit's kernel and gradient) and checks y, dx and df. */
function checkCase(c: Case, seed: number): void {
  const before = memory().numTensors;
  tidy(() => {
    const x = randomNormal([c.B, c.H, c.W, c.C], 0, 1, 'float32', seed);
    const f = randomNormal([1, c.K, c.C, 1], 0, 1, 'float32', seed + 1);
    const dy = randomNormal([c.B, c.H, outWidth(c), c.C], 0, 1, 'float32', seed + 2);
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, c.d] as [number, number], pad: [0, 0, c.pL, c.pR] as [number, number, number, number], depthwise: true };
    const y = conv2dNhwc(x, f, attrs);
    const [gx, gf] = grads((a: Tensor, b: Tensor) => sum(mul(conv2dNhwc(a, b, attrs), dy)))([x, f]);
    const ref = reference(c, x.dataSync() as Float32Array, f.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expectClose(y.dataSync() as Float32Array, ref.y, 'y');
    expectClose(gx!.dataSync() as Float32Array, ref.dx, 'dx');
    expectClose(gf!.dataSync() as Float32Array, ref.df, 'dfilter');
  });
  expect(memory().numTensors).toBe(before);
}

describe('depthwise-rows wasm SIMD kernels', () => {
  describe('on wasm', () => {
    beforeAll(async () => {
      await initBackend('wasm');
    });

    it('is in use for a positive multiple of 4 channels only', () => {
      expect([4, 16, 6, 0].map(hasSimdDepthwise)).toEqual([true, true, false, false]);
    });

    it('takes the SIMD filter gradient for one-row depthwise kernels, not for multipliers or strides', () => {
      const a = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 15, 16] as [number, number, number, number], depthwise: true };
      expect(convGradStrategy([8, 1, 100, 16], [1, 32, 16, 1], [8, 1, 100, 16], a).filter).toBe('simd-depthwise-rows');
      expect(convGradStrategy([8, 1, 100, 16], [1, 32, 16, 2], [8, 1, 100, 32], a).filter).not.toBe('simd-depthwise-rows');
      expect(convGradStrategy([8, 1, 100, 16], [1, 32, 16, 1], [8, 1, 50, 16], { ...a, strides: [1, 2] }).filter).not.toBe('simd-depthwise-rows');
      expect(convGradStrategy([8, 1, 100, 6], [1, 32, 6, 1], [8, 1, 100, 6], a).filter).not.toBe('simd-depthwise-rows');
    });

    it.each(cases)('matches float64 values and gradients: $name', (c) => {
      checkCase(c, 7);
    });

    it('matches float64 values and gradients on random shapes, paddings and dilations (property)', () => {
      const arb = fc
        .record({ B: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 2 }), W: fc.integer({ min: 1, max: 40 }), C4: fc.integer({ min: 1, max: 4 }), K: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 3 }), pL: fc.integer({ min: 0, max: 12 }), pR: fc.integer({ min: 0, max: 12 }), seed: fc.integer({ min: 1, max: 1000 }) })
        .filter((r) => r.W + r.pL + r.pR - (r.K - 1) * r.d >= 1);
      fc.assert(
        fc.property(arb, (r) => {
          checkCase({ name: 'random', ...r, C: 4 * r.C4 }, r.seed);
        }),
        { numRuns: 60 },
      );
    });
  });
});
