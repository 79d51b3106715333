import { engine, grads, mul, profile, slice, sum, tensor, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { NnkitConvAttrs } from '../kernels/conv-nhwc.js';
import { conv2dNhwc } from '../ops/conv/kernel-conv.js';
import { expectMatchesReference, plainConvOut, plainConvReference, type PlainConvGeometry } from './conv-reference.js';

const filled = (shape: number[], f: (i: number) => number): Tensor => tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => f(i)), shape);

/**
 * Checks that `conv2dNhwc` gives each of `samples` the same output, bit for bit, alone as in the
 * whole batch `x` (values `sin(0.37 i)`, filter `cos(0.11 i) / 8`): a kernel that works in chunks
 * or tiles must not change a sample's sums with its batch.
 *
 * @param x `[B, H, W, Cin]`; f `[kH, kW, Cin, Cout]`
 */
export function expectBatchIndependent(x: [number, number, number, number], f: [number, number, number, number], a: NnkitConvAttrs, samples: number[]): void {
  tidy(() => {
    const xt = filled(x, (i) => Math.sin(i * 0.37));
    const ft = filled(f, (i) => Math.cos(i * 0.11) / 8);
    const batch = conv2dNhwc(xt, ft, a).dataSync();
    const n = batch.length / x[0];
    for (const b of samples) {
      const alone = conv2dNhwc(slice(xt, [b, 0, 0, 0], [1, x[1], x[2], x[3]]), ft, a).dataSync();
      expect(Array.from(alone)).toEqual(Array.from(batch.subarray(b * n, (b + 1) * n)));
    }
  });
}

/**
 * The kernel names of two `conv2dNhwc` forward passes on `x` and both their gradients (values
 * `sin i`, `cos i`): where the input gradient runs (`NnkitConv2D` again, or tfjs' `Conv2D`).
 *
 * @param x `[B, H, W, Cin]`; f `[kH, kW, Cin, Cout]`
 */
export async function convGradKernelNames(x: [number, number, number, number], f: [number, number, number, number], a: NnkitConvAttrs): Promise<string[]> {
  const p = await profile(() =>
    tidy(() => {
      const [gx, gf] = grads((u: Tensor, v: Tensor) => sum(mul(conv2dNhwc(u, v, a), conv2dNhwc(u, v, a))))([filled(x, Math.sin), filled(f, Math.cos)]);
      gx!.dataSync();
      gf!.dataSync();
    }),
  );
  return p.kernels.map((k) => k.name);
}

/**
 * `conv2dNhwc` (stride 1, dilation 1, padding `g.p`) on NCHW operands made from `seed`, against the
 * float64 definition in value and both gradients ({@link expectMatchesReference}); and every
 * backend buffer a kernel allocates for itself freed (`numDataIds` unchanged).
 */
export function expectNhwcConvMatches(g: PlainConvGeometry, seed: number): void {
  const dataIds = engine().backend.numDataIds();
  const [Ho, Wo] = plainConvOut(g);
  const a: NnkitConvAttrs = { strides: [1, 1], dilations: [1, 1], pad: g.p, depthwise: false };
  expectMatchesReference(() => {
    const rnd = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + k * 1.3 + seed) / 2);
    return {
      x: tensor(rnd(g.B * g.C * g.H * g.W, 1), [g.B, g.C, g.H, g.W]),
      w: tensor(rnd(g.Co * g.C * g.kH * g.kW, 2), [g.Co, g.C, g.kH, g.kW]),
      dy: tensor(rnd(g.B * g.Co * Ho * Wo, 3), [g.B, g.Co, Ho, Wo]),
      conv: (x: Tensor, w: Tensor) => transpose(conv2dNhwc(transpose(x, [0, 2, 3, 1]), transpose(w, [2, 3, 1, 0]), a), [0, 3, 1, 2]),
      reference: (x, w, dy) => plainConvReference(g, x, w, dy),
    };
  });
  expect(engine().backend.numDataIds()).toBe(dataIds);
}
