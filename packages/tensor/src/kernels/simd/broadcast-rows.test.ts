import { grads, memory, mul, randomNormal, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { conv2dNhwc } from '../../ops/conv/kernel-conv.js';
import { convGradStrategy } from '../gradients/NnkitConv2D-grad.js';

/** A plain 1 × K convolution of [B, H, W, 1] into O channels, dilation d, [pL, pR] padding along W. */
interface Case {
  name: string;
  B: number;
  H: number;
  W: number;
  O: number;
  K: number;
  d: number;
  pL: number;
  pR: number;
}

const cases: Case[] = [
  { name: "EEGNet's temporal conv, Conv2d(1, 8, (1, 32), 'same')", B: 2, H: 3, W: 70, O: 8, K: 32, d: 1, pL: 15, pR: 16 },
  { name: 'odd width, 4 outputs, no padding', B: 1, H: 1, W: 37, O: 4, K: 5, d: 1, pL: 0, pR: 0 },
  { name: 'dilated, left padding only, 12 outputs', B: 2, H: 2, W: 29, O: 12, K: 4, d: 3, pL: 9, pR: 0 },
  { name: 'kernel wider than the input', B: 2, H: 1, W: 6, O: 4, K: 9, d: 1, pL: 8, pR: 8 },
];

const outWidth = (c: Case): number => c.W + c.pL + c.pR - (c.K - 1) * c.d;

/** y, dx, df in float64: y[r,w,o] = Σ_k f[k,o]·x[r, w − pL + k·d]; the loss is Σ y·dy. */
function reference(c: Case, x: Float32Array, f: Float32Array, dy: Float32Array) {
  const { B, H, W, O, K, d, pL } = c;
  const Wo = outWidth(c);
  const y = new Float64Array(B * H * Wo * O);
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  for (let r = 0; r < B * H; r++) {
    for (let w = 0; w < Wo; w++) {
      for (let k = 0; k < K; k++) {
        const i = w - pL + k * d;
        if (i < 0 || i >= W) continue;
        for (let o = 0; o < O; o++) {
          const yo = (r * Wo + w) * O + o;
          y[yo]! += f[k * O + o]! * x[r * W + i]!;
          dx[r * W + i]! += f[k * O + o]! * dy[yo]!;
          df[k * O + o]! += x[r * W + i]! * dy[yo]!;
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

function checkCase(c: Case, seed: number): void {
  const before = memory().numTensors;
  tidy(() => {
    const x = randomNormal([c.B, c.H, c.W, 1], 0, 1, 'float32', seed);
    const f = randomNormal([1, c.K, 1, c.O], 0, 1, 'float32', seed + 1);
    const dy = randomNormal([c.B, c.H, outWidth(c), c.O], 0, 1, 'float32', seed + 2);
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, c.d] as [number, number], pad: [0, 0, c.pL, c.pR] as [number, number, number, number], depthwise: false };
    const [gx, gf] = grads((a: Tensor, b: Tensor) => sum(mul(conv2dNhwc(a, b, attrs), dy)))([x, f]);
    const ref = reference(c, x.dataSync() as Float32Array, f.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expectClose(conv2dNhwc(x, f, attrs).dataSync() as Float32Array, ref.y, 'y');
    expectClose(gx!.dataSync() as Float32Array, ref.dx, 'dx');
    expectClose(gf!.dataSync() as Float32Array, ref.df, 'dfilter');
  });
  expect(memory().numTensors).toBe(before);
}

describe('broadcast-rows wasm SIMD kernels (one input channel, plain 1 × K)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('take the filter gradient of Conv2d(1, F, (1, K)) with F a multiple of 4, not of 2 input channels or 6 outputs', () => {
    const a = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 15, 16] as [number, number, number, number], depthwise: false };
    expect(convGradStrategy([8, 22, 100, 1], [1, 32, 1, 8], [8, 22, 100, 8], a).filter).toBe('simd-broadcast-rows');
    expect(convGradStrategy([8, 22, 100, 2], [1, 32, 2, 8], [8, 22, 100, 8], a).filter).not.toBe('simd-broadcast-rows');
    expect(convGradStrategy([8, 22, 100, 1], [1, 32, 1, 6], [8, 22, 100, 6], a).filter).not.toBe('simd-broadcast-rows');
  });

  it.each(cases)('match float64 values and gradients: $name', (c) => {
    checkCase(c, 5);
  });

  it('match float64 values and gradients on random shapes, paddings and dilations (property)', () => {
    const arb = fc
      .record({ B: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 2 }), W: fc.integer({ min: 1, max: 40 }), O4: fc.integer({ min: 1, max: 3 }), K: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 3 }), pL: fc.integer({ min: 0, max: 12 }), pR: fc.integer({ min: 0, max: 12 }), seed: fc.integer({ min: 1, max: 1000 }) })
      .filter((r) => r.W + r.pL + r.pR - (r.K - 1) * r.d >= 1);
    fc.assert(
      fc.property(arb, (r) => {
        checkCase({ name: 'random', ...r, O: 4 * r.O4 }, r.seed);
      }),
      { numRuns: 50 },
    );
  });
});
