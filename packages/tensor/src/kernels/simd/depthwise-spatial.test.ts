import { randomNormal } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { expectMatchesReference } from '../../test-utils/conv-reference.js';
import { conv2dNhwc } from '../../ops/conv/kernel-conv.js';
import { convGradStrategy } from '../gradients/NnkitConv2D-grad.js';

/** A depthwise [H, 1] filter over all H rows of [B, H, W, C], multiplier M. */
interface Case {
  name: string;
  B: number;
  H: number;
  W: number;
  C: number;
  M: number;
}

const cases: Case[] = [
  { name: "EEGNet's spatial filter, 22 electrodes, F1 = 8, D = 2", B: 2, H: 22, W: 50, C: 8, M: 2 },
  { name: 'multiplier 1, odd width', B: 3, H: 3, W: 17, C: 4, M: 1 },
  { name: 'one row, one column', B: 1, H: 1, W: 1, C: 12, M: 2 },
];

/** y, dx, df in float64; the loss is Σ y·dy. */
function reference(c: Case, x: Float32Array, f: Float32Array, dy: Float32Array) {
  const { B, H, W, C, M } = c;
  const O = C * M;
  const y = new Float64Array(B * W * O);
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        for (let o = 0; o < O; o++) {
          const xi = ((b * H + h) * W + w) * C + Math.floor(o / M);
          const yi = (b * W + w) * O + o;
          y[yi]! += f[h * O + o]! * x[xi]!;
          dx[xi]! += f[h * O + o]! * dy[yi]!;
          df[h * O + o]! += x[xi]! * dy[yi]!;
        }
      }
    }
  }
  return { y, dx, df };
}

function check(c: Case, seed: number): void {
  expectMatchesReference(() => {
    const x = randomNormal([c.B, c.H, c.W, c.C], 0, 1, 'float32', seed);
    const f = randomNormal([c.H, 1, c.C, c.M], 0, 1, 'float32', seed + 1);
    const dy = randomNormal([c.B, 1, c.W, c.C * c.M], 0, 1, 'float32', seed + 2);
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], depthwise: true };
    expect(convGradStrategy(x.shape, f.shape, dy.shape, attrs)).toEqual({ input: 'simd-depthwise-spatial', filter: 'simd-depthwise-spatial' });
    return {
      x,
      w: f,
      dy,
      conv: (a, b) => conv2dNhwc(a, b, attrs),
      reference: (xs, fs, dys) => {
        const r = reference(c, xs, fs, dys);
        return { y: r.y, dx: r.dx, dw: r.df };
      },
    };
  });
}

describe('depthwise-spatial wasm SIMD kernels (a depthwise filter over all rows, one column)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are not taken for padding, multiplier 3 or 6 channels', () => {
    const a = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], depthwise: true };
    expect(convGradStrategy([2, 22, 50, 8], [22, 1, 8, 2], [2, 1, 50, 16], { ...a, pad: [1, 1, 0, 0] }).input).not.toBe('simd-depthwise-spatial');
    expect(convGradStrategy([2, 22, 50, 8], [22, 1, 8, 3], [2, 1, 50, 24], a).input).not.toBe('simd-depthwise-spatial');
    expect(convGradStrategy([2, 22, 50, 6], [22, 1, 6, 2], [2, 1, 50, 12], a).input).not.toBe('simd-depthwise-spatial');
  });

  it.each(cases)('match float64 values and gradients: $name', (c) => {
    check(c, 3);
  });

  it('match float64 values and gradients on random shapes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 1000 }), (B, H, W, C4, M, seed) => {
        check({ name: 'random', B, H, W, C: 4 * C4, M }, seed);
      }),
      { numRuns: 50 },
    );
  });
});
