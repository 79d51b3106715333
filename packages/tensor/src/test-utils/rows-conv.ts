import { grads, memory, mul, randomNormal, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { conv2dNhwc } from '../ops/conv/kernel-conv.js';

/**
 * A 1 × K convolution along rows of [B, H, W, Cin] into O channels (dilation d, [pL, pR] padding
 * along W): depthwise (Cin = O, multiplier 1) or broadcast (Cin = 1, a plain convolution) — the
 * two families of nnkit's row SIMD kernels, checked by one harness.
 */
export interface RowsConvCase {
  name: string;
  B: number;
  H: number;
  W: number;
  /** Output channels (and input channels when depthwise). */
  O: number;
  K: number;
  d: number;
  pL: number;
  pR: number;
}

export type RowsConvKind = 'depthwise' | 'broadcast';

export const rowsOutWidth = (c: RowsConvCase): number => c.W + c.pL + c.pR - (c.K - 1) * c.d;

/** y, dx and df in float64: y[r,w,o] = Σ_k f[k,o]·x[r, w − pL + k·d, o or 0]; the loss is Σ y·dy. */
function reference(c: RowsConvCase, kind: RowsConvKind, x: Float32Array, f: Float32Array, dy: Float32Array) {
  const { B, H, W, O, K, d, pL } = c;
  const Wo = rowsOutWidth(c);
  const Cin = kind === 'depthwise' ? O : 1;
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
          const xi = (r * W + i) * Cin + (kind === 'depthwise' ? o : 0);
          y[yo]! += f[k * O + o]! * x[xi]!;
          dx[xi]! += f[k * O + o]! * dy[yo]!;
          df[k * O + o]! += x[xi]! * dy[yo]!;
        }
      }
    }
  }
  return { y, dx, df };
}

/** Float32 results against float64 references: largest error relative to 1 + |value| below 1e-5. */
export function expectClose(got: Float32Array, want: Float64Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(got.length, what).toBe(want.length);
  expect(worst, what).toBeLessThan(1e-5);
}

/** Runs the case through `conv2dNhwc` (nnkit's kernel and gradient) and checks y, dx and df against float64, and that nothing leaks. */
export function checkRowsConv(c: RowsConvCase, kind: RowsConvKind, seed: number): void {
  const before = memory().numTensors;
  tidy(() => {
    const Cin = kind === 'depthwise' ? c.O : 1;
    const x = randomNormal([c.B, c.H, c.W, Cin], 0, 1, 'float32', seed);
    const f = randomNormal(kind === 'depthwise' ? [1, c.K, c.O, 1] : [1, c.K, 1, c.O], 0, 1, 'float32', seed + 1);
    const dy = randomNormal([c.B, c.H, rowsOutWidth(c), c.O], 0, 1, 'float32', seed + 2);
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, c.d] as [number, number], pad: [0, 0, c.pL, c.pR] as [number, number, number, number], depthwise: kind === 'depthwise' };
    const [gx, gf] = grads((a: Tensor, b: Tensor) => sum(mul(conv2dNhwc(a, b, attrs), dy)))([x, f]);
    const ref = reference(c, kind, x.dataSync() as Float32Array, f.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expectClose(conv2dNhwc(x, f, attrs).dataSync() as Float32Array, ref.y, 'y');
    expectClose(gx!.dataSync() as Float32Array, ref.dx, 'dx');
    expectClose(gf!.dataSync() as Float32Array, ref.df, 'dfilter');
  });
  expect(memory().numTensors).toBe(before);
}

/** Random cases with a non-empty output: O a multiple of 4 up to `4 · maxO4`, any padding and dilation. */
export function rowsConvArb(maxO4: number): fc.Arbitrary<RowsConvCase & { seed: number }> {
  return fc
    .record({ B: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 2 }), W: fc.integer({ min: 1, max: 40 }), O4: fc.integer({ min: 1, max: maxO4 }), K: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 3 }), pL: fc.integer({ min: 0, max: 12 }), pR: fc.integer({ min: 0, max: 12 }), seed: fc.integer({ min: 1, max: 1000 }) })
    .map(({ O4, ...r }) => ({ name: 'random', ...r, O: 4 * O4 }))
    .filter((r) => rowsOutWidth(r) >= 1);
}
