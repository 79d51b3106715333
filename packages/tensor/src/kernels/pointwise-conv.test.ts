import { grads, memory, mul, slice, sum, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertClose } from '@nnkit/tooling-testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { conv2dNhwc } from '../ops/conv/kernel-conv.js';
import type { NnkitConvAttrs } from './conv-nhwc.js';
import { convGradStrategy } from './gradients/NnkitConv2D-grad.js';
import { pointwiseConvApplies } from './pointwise-conv.js';

const plain: NnkitConvAttrs = { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: false };
const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

/** y, dx and dW of a 1 × 1 convolution by the definition (loops), with the loss Σ y·dy. */
function reference(x: number[], f: number[], dy: number[], M: number, Cin: number, Cout: number): { y: number[]; dx: number[]; df: number[] } {
  const y = seq(M * Cout, (q) => seq(Cin, (c) => x[Math.floor(q / Cout) * Cin + c]! * f[c * Cout + (q % Cout)]!).reduce((s, v) => s + v, 0));
  const dx = seq(M * Cin, (q) => seq(Cout, (o) => dy[Math.floor(q / Cin) * Cout + o]! * f[(q % Cin) * Cout + o]!).reduce((s, v) => s + v, 0));
  const df = seq(Cin * Cout, (q) => seq(M, (m) => x[m * Cin + Math.floor(q / Cout)]! * dy[m * Cout + (q % Cout)]!).reduce((s, v) => s + v, 0));
  return { y, dx, df };
}

function check(B: number, H: number, W: number, Cin: number, Cout: number): void {
  const M = B * H * W;
  const xv = seq(M * Cin, (i) => ((i * 37) % 23) / 8 - 1.25);
  const fv = seq(Cin * Cout, (i) => ((i * 11) % 13) / 8 - 0.75);
  const dyv = seq(M * Cout, (i) => ((i * 5) % 17) / 8 - 1);
  const ref = reference(xv, fv, dyv, M, Cin, Cout);
  const before = memory().numTensors;
  tidy(() => {
    const x = tensor(xv, [B, H, W, Cin]);
    const f = tensor(fv, [1, 1, Cin, Cout]);
    const dy = tensor(dyv, [B, H, W, Cout]);
    const y = conv2dNhwc(x, f, plain);
    expect(y.shape).toEqual([B, H, W, Cout]);
    const tol = { atol: 1e-4, rtol: 1e-4 };
    assertClose(y, ref.y, { ...tol, name: 'y' });
    const [gx, gf] = grads((a: Tensor, b: Tensor) => sum(mul(conv2dNhwc(a, b, plain), dy)))([x, f]);
    assertClose(gx!, ref.dx, { ...tol, name: 'dx' });
    assertClose(gf!, ref.df, { ...tol, name: 'dW' });
  });
  expect(memory().numTensors).toBe(before);
}

describe('pointwise convolutions as products', () => {
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('applies to plain 1 × 1 convolutions at stride 1 without padding only', () => {
    expect(pointwiseConvApplies([2, 3, 5, 7], [1, 1, 7, 4], plain)).toBe(true);
    expect(pointwiseConvApplies([2, 3, 5, 7], [1, 1, 7, 4], { ...plain, dilations: [2, 3] })).toBe(true);
    expect(pointwiseConvApplies([2, 3, 5, 7], [1, 1, 7, 4], { ...plain, strides: [2, 1] })).toBe(false);
    expect(pointwiseConvApplies([2, 3, 5, 7], [1, 1, 7, 4], { ...plain, pad: [0, 0, 1, 0] })).toBe(false);
    expect(pointwiseConvApplies([2, 3, 5, 7], [1, 1, 7, 1], { ...plain, depthwise: true })).toBe(false);
    expect(pointwiseConvApplies([2, 3, 5, 7], [1, 3, 7, 4], plain)).toBe(false);
    expect(pointwiseConvApplies([0, 3, 5, 7], [1, 1, 7, 4], plain)).toBe(false);
    expect(convGradStrategy([2, 3, 5, 7], [1, 1, 7, 4], [2, 3, 5, 4], plain)).toEqual({ input: 'pointwise', filter: 'pointwise' });
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`matches the definition in value and both gradients on ${backend} (odd sizes, tall and wide products)`, async () => {
      await initBackend(backend);
      check(1, 1, 1, 1, 1);
      check(3, 5, 7, 6, 5);
      check(1, 8, 8, 96, 40); // few rows, many channels (Inception's 8 × 8 blocks)
      check(2, 9, 11, 3, 8); // tall: the filter gradient on nnkit's SIMD kernel
    });

    it(`gives a sample the same output, bit for bit, alone or in a batch on ${backend}`, async () => {
      await initBackend(backend);
      tidy(() => {
        const x = tensor(seq(70 * 2 * 96, (i) => Math.sin(i * 0.37)), [70, 1, 2, 96]);
        const f = tensor(seq(96 * 40, (i) => Math.cos(i * 0.11) / 8), [1, 1, 96, 40]);
        const batch = conv2dNhwc(x, f, plain).dataSync();
        for (const i of [0, 33, 69]) {
          const alone = conv2dNhwc(slice(x, [i, 0, 0, 0], [1, 1, 2, 96]), f, plain).dataSync();
          expect(Array.from(alone)).toEqual(Array.from(batch.subarray(i * 80, (i + 1) * 80)));
        }
      });
    });

    it(`matches the definition for any shape on ${backend} (property)`, async () => {
      await initBackend(backend);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (B, H, W, Cin, Cout) => check(B, H, W, Cin, Cout)),
        { numRuns: 25, seed: 7 },
      );
    });
  }
});
