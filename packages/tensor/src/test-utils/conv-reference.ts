import { grads, memory, mul, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Float32 results against float64 references: largest error relative to 1 + |value| below 1e-5. */
export function expectClose(got: Float32Array, want: Float64Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(got.length, what).toBe(want.length);
  expect(worst, what).toBeLessThan(1e-5);
}

/** A convolution's output and both gradients in float64, for the loss `Σ conv(x, w)·dy`. */
export interface ConvReference {
  y: Float64Array;
  dx: Float64Array;
  dw: Float64Array;
}

/** What {@link expectMatchesReference} checks: operands, the convolution, and its float64 reference. */
export interface ConvCheck {
  x: Tensor;
  w: Tensor;
  dy: Tensor;
  conv: (x: Tensor, w: Tensor) => Tensor;
  reference: (x: Float32Array, w: Float32Array, dy: Float32Array) => ConvReference;
}

/**
 * The one harness of nnkit's convolution kernels against float64: `make()` (run inside a scope)
 * gives the operands and the convolution; its output and the gradients of `Σ conv(x, w)·dy` must
 * match the reference within {@link expectClose}'s tolerance, and no tensor may leak.
 */
export function expectMatchesReference(make: () => ConvCheck): void {
  const before = memory().numTensors;
  tidy(() => {
    const { x, w, dy, conv, reference } = make();
    const [gx, gw] = grads((a: Tensor, b: Tensor) => sum(mul(conv(a, b), dy)))([x, w]);
    const ref = reference(x.dataSync() as Float32Array, w.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expectClose(conv(x, w).dataSync() as Float32Array, ref.y, 'y');
    expectClose(gx!.dataSync() as Float32Array, ref.dx, 'dx');
    expectClose(gw!.dataSync() as Float32Array, ref.dw, 'dweight');
  });
  expect(memory().numTensors).toBe(before);
}

/** A plain NCHW convolution's geometry: input `[B, C, H, W]`, `Co` filters `kH × kW`, strides, dilations, padding `[t, b, l, r]`. */
export interface PlainConvGeometry {
  B: number;
  C: number;
  H: number;
  W: number;
  Co: number;
  kH: number;
  kW: number;
  stride: [number, number];
  dilation: [number, number];
  p: [number, number, number, number];
}

/** The output size `[Ho, Wo]` of a {@link PlainConvGeometry}. */
export function plainConvOut(g: PlainConvGeometry): [number, number] {
  return [
    Math.floor((g.H + g.p[0] + g.p[1] - g.dilation[0] * (g.kH - 1) - 1) / g.stride[0]) + 1,
    Math.floor((g.W + g.p[2] + g.p[3] - g.dilation[1] * (g.kW - 1) - 1) / g.stride[1]) + 1,
  ];
}

/** The definition of a plain NCHW convolution, its input and weight gradients in float64 (loss `Σ y·dy`). */
export function plainConvReference(g: PlainConvGeometry, x: Float32Array, w: Float32Array, dy: Float32Array): ConvReference {
  const [Ho, Wo] = plainConvOut(g);
  const y = new Float64Array(g.B * g.Co * Ho * Wo);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < g.B; b++)
    for (let o = 0; o < g.Co; o++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const yi = ((b * g.Co + o) * Ho + i) * Wo + j;
          for (let c = 0; c < g.C; c++)
            for (let u = 0; u < g.kH; u++)
              for (let v = 0; v < g.kW; v++) {
                const r = i * g.stride[0] + u * g.dilation[0] - g.p[0];
                const s = j * g.stride[1] + v * g.dilation[1] - g.p[2];
                if (r < 0 || r >= g.H || s < 0 || s >= g.W) continue;
                const xi = ((b * g.C + c) * g.H + r) * g.W + s;
                const wi = ((o * g.C + c) * g.kH + u) * g.kW + v;
                y[yi]! += w[wi]! * x[xi]!;
                dx[xi]! += w[wi]! * dy[yi]!;
                dw[wi]! += x[xi]! * dy[yi]!;
              }
        }
  return { y, dx, dw };
}
