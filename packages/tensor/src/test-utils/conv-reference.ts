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
