import { randomNormal } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { conv2dNhwc } from '../ops/conv/kernel-conv.js';
import { expectMatchesReference } from './conv-reference.js';

export { expectClose } from './conv-reference.js';

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


/** Runs the case through `conv2dNhwc` (nnkit's kernel and gradient) and checks y, dx and df against float64, and that nothing leaks. */
export function checkRowsConv(c: RowsConvCase, kind: RowsConvKind, seed: number): void {
  expectMatchesReference(() => {
    const Cin = kind === 'depthwise' ? c.O : 1;
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, c.d] as [number, number], pad: [0, 0, c.pL, c.pR] as [number, number, number, number], depthwise: kind === 'depthwise' };
    return {
      x: randomNormal([c.B, c.H, c.W, Cin], 0, 1, 'float32', seed),
      w: randomNormal(kind === 'depthwise' ? [1, c.K, c.O, 1] : [1, c.K, 1, c.O], 0, 1, 'float32', seed + 1),
      dy: randomNormal([c.B, c.H, rowsOutWidth(c), c.O], 0, 1, 'float32', seed + 2),
      conv: (a, b) => conv2dNhwc(a, b, attrs),
      reference: (x, f, dy) => {
        const r = reference(c, kind, x, f, dy);
        return { y: r.y, dx: r.dx, dw: r.df };
      },
    };
  });
}

/** Random cases with a non-empty output: O a multiple of 4 up to `4 · maxO4`, any padding and dilation. */
export function rowsConvArb(maxO4: number): fc.Arbitrary<RowsConvCase & { seed: number }> {
  return fc
    .record({ B: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 2 }), W: fc.integer({ min: 1, max: 40 }), O4: fc.integer({ min: 1, max: maxO4 }), K: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 3 }), pL: fc.integer({ min: 0, max: 12 }), pR: fc.integer({ min: 0, max: 12 }), seed: fc.integer({ min: 1, max: 1000 }) })
    .map(({ O4, ...r }) => ({ name: 'random', ...r, O: 4 * O4 }))
    .filter((r) => rowsOutWidth(r) >= 1);
}
