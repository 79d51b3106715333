import { grads, memory, mul, slice, sum, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { conv2dNhwc } from '../ops/conv/kernel-conv.js';
import { expectClose } from '../test-utils/conv-reference.js';
import type { NnkitConvAttrs } from './conv-nhwc.js';
import { tilesConvApplies, TILES_CONV_MAX_WINDOW_VALUES } from './tiles-conv.js';

/** A plain NHWC convolution `[B, H, W, C]` by `[kH, kW, C, Co]` with these attributes. */
interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  a: NnkitConvAttrs;
}

const attrs = (s: [number, number], d: [number, number], pad: [number, number, number, number]): NnkitConvAttrs => ({ strides: s, dilations: d, pad, depthwise: false });

const out = (c: Case): [number, number, number, number] => {
  const [B, H, W] = c.x;
  const [kH, kW, , Co] = c.f;
  const o = (n: number, k: number, s: number, d: number, p0: number, p1: number): number => Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
  return [B, o(H, kH, c.a.strides[0], c.a.dilations[0], c.a.pad[0], c.a.pad[1]), o(W, kW, c.a.strides[1], c.a.dilations[1], c.a.pad[2], c.a.pad[3]), Co];
};

/** y, dx and dW by the definition in float64, with the loss Σ y·dy. */
function reference(c: Case, x: Float32Array, f: Float32Array, dy: Float32Array) {
  const [B, H, W, C] = c.x;
  const [kH, kW, , Co] = c.f;
  const [, Ho, Wo] = out(c);
  const y = new Float64Array(B * Ho * Wo * Co);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(f.length);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let u = 0; u < kH; u++)
          for (let v = 0; v < kW; v++) {
            const h = i * c.a.strides[0] - c.a.pad[0] + u * c.a.dilations[0];
            const w = j * c.a.strides[1] - c.a.pad[2] + v * c.a.dilations[1];
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            for (let ci = 0; ci < C; ci++) {
              const xi = ((b * H + h) * W + w) * C + ci;
              for (let o = 0; o < Co; o++) {
                const yi = ((b * Ho + i) * Wo + j) * Co + o;
                const fi = ((u * kW + v) * C + ci) * Co + o;
                y[yi]! += x[xi]! * f[fi]!;
                dx[xi]! += f[fi]! * dy[yi]!;
                dw[fi]! += x[xi]! * dy[yi]!;
              }
            }
          }
  return { y, dx, dw };
}

function check(c: Case, seed: number): void {
  const before = memory().numTensors;
  tidy(() => {
    const rnd = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + k * 1.3 + seed) / 2);
    const size = (s: readonly number[]): number => s.reduce((p, v) => p * v, 1);
    const x = tensor(rnd(size(c.x), 1), c.x);
    const f = tensor(rnd(size(c.f), 2), c.f);
    const dy = tensor(rnd(size(out(c)), 3), out(c));
    expect(tilesConvApplies(c.x, c.f, c.a)).toBe(true);
    const y = conv2dNhwc(x, f, c.a);
    expect(y.shape).toEqual(out(c));
    const ref = reference(c, x.dataSync() as Float32Array, f.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expectClose(y.dataSync() as Float32Array, ref.y, 'y');
    const [gx, gf] = grads((a: Tensor, b: Tensor) => sum(mul(conv2dNhwc(a, b, c.a), dy)))([x, f]);
    expectClose(gx!.dataSync() as Float32Array, ref.dx, 'dx');
    expectClose(gf!.dataSync() as Float32Array, ref.dw, 'dW');
  });
  expect(memory().numTensors).toBe(before);
}

const cases: Case[] = [
  { name: "Inception's Mixed_7b 3 × 3 (few windows, many channels), padded", x: [1, 4, 4, 24], f: [3, 3, 24, 64], a: attrs([1, 1], [1, 1], [1, 1, 1, 1]) },
  { name: 'stride 2 on 3 channels (the stem), odd sizes', x: [2, 11, 9, 3], f: [3, 3, 3, 32], a: attrs([2, 2], [1, 1], [0, 0, 0, 0]) },
  { name: 'dilation and uneven padding, 1 × 7', x: [2, 5, 13, 5], f: [1, 7, 5, 64], a: attrs([1, 1], [1, 2], [0, 0, 5, 2]) },
  { name: 'pointwise (the input itself is the left operand), 5 windows', x: [1, 1, 5, 17], f: [1, 1, 17, 48], a: attrs([1, 1], [1, 1], [0, 0, 0, 0]) },
  { name: 'kernel rows outside the input (padding larger than the kernel)', x: [1, 2, 3, 2], f: [2, 2, 2, 32], a: attrs([1, 1], [1, 1], [3, 2, 2, 3]) },
];

describe('convolutions as one pack-free product on wasm (NnkitConv2D forward)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('applies to plain convolutions with 64 or more output channels, 32 on at most 32 taps, 8 when pointwise', () => {
    const plain = attrs([1, 1], [1, 1], [0, 0, 0, 0]);
    expect(tilesConvApplies([1, 8, 8, 448], [3, 3, 448, 384], plain)).toBe(true);
    expect(tilesConvApplies([1, 8, 8, 448], [3, 3, 448, 36], plain)).toBe(false);
    expect(tilesConvApplies([1, 8, 8, 448], [3, 3, 448, 70], plain)).toBe(true);
    expect(tilesConvApplies([1, 8, 8, 448], [1, 1, 448, 7], plain)).toBe(false);
    expect(tilesConvApplies([1, 147, 147, 32], [3, 3, 32, 32], plain)).toBe(false);
    expect(tilesConvApplies([1, 299, 299, 3], [3, 3, 3, 32], { ...plain, strides: [2, 2] })).toBe(true);
    expect(tilesConvApplies([64, 14, 14, 6], [5, 5, 6, 16], plain)).toBe(false);
    expect(tilesConvApplies([64, 14, 14, 6], [1, 1, 6, 16], plain)).toBe(true);
    expect(tilesConvApplies([1, 8, 8, 4], [3, 3, 4, 64], { ...plain, depthwise: true })).toBe(false);
    expect(tilesConvApplies([0, 8, 8, 4], [3, 3, 4, 64], plain)).toBe(false);
  });

  it.each(cases)('matches float64 in value and both gradients: $name', (c) => {
    check(c, 5);
  });

  it('makes the window rows a few samples at a time without changing a value (more rows than one chunk holds)', () => {
    // 128 × 128 windows × 144 taps per sample: more than half of TILES_CONV_MAX_WINDOW_VALUES, one sample per chunk
    const c: Case = { name: 'chunks', x: [3, 130, 130, 16], f: [3, 3, 16, 64], a: attrs([1, 1], [1, 1], [0, 0, 0, 0]) };
    expect(2 * 128 * 128 * 144).toBeGreaterThan(TILES_CONV_MAX_WINDOW_VALUES);
    tidy(() => {
      const x = tensor(Array.from({ length: 3 * 130 * 130 * 16 }, (_, i) => Math.sin(i * 0.37)), c.x);
      const f = tensor(Array.from({ length: 3 * 3 * 16 * 64 }, (_, i) => Math.cos(i * 0.11)), c.f);
      const batch = conv2dNhwc(x, f, c.a).dataSync();
      const n = 128 * 128 * 64;
      for (const b of [0, 2]) {
        const alone = conv2dNhwc(slice(x, [b, 0, 0, 0], [1, 130, 130, 16]), f, c.a).dataSync();
        expect(Array.from(alone)).toEqual(Array.from(batch.subarray(b * n, (b + 1) * n)));
      }
    });
  });

  it('gives a sample the same output, bit for bit, alone or in a batch (odd window counts)', () => {
    tidy(() => {
      const x = tensor(Array.from({ length: 5 * 7 * 5 * 12 }, (_, i) => Math.sin(i * 0.29)), [5, 7, 5, 12]);
      const f = tensor(Array.from({ length: 3 * 3 * 12 * 64 }, (_, i) => Math.cos(i * 0.13) / 4), [3, 3, 12, 64]);
      const a = attrs([2, 1], [1, 1], [1, 1, 1, 1]);
      const batch = conv2dNhwc(x, f, a).dataSync();
      const n = 4 * 5 * 64;
      for (const b of [0, 3, 4]) {
        const alone = conv2dNhwc(slice(x, [b, 0, 0, 0], [1, 7, 5, 12]), f, a).dataSync();
        expect(Array.from(alone)).toEqual(Array.from(batch.subarray(b * n, (b + 1) * n)));
      }
    });
  });

  it('matches float64 on random geometries (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          B: fc.integer({ min: 1, max: 2 }),
          H: fc.integer({ min: 1, max: 7 }),
          W: fc.integer({ min: 1, max: 7 }),
          C: fc.integer({ min: 1, max: 6 }),
          Co: fc.constantFrom(64, 67, 70, 72),
          kH: fc.integer({ min: 1, max: 3 }),
          kW: fc.integer({ min: 1, max: 3 }),
          sh: fc.integer({ min: 1, max: 2 }),
          sw: fc.integer({ min: 1, max: 2 }),
          dh: fc.integer({ min: 1, max: 2 }),
          dw: fc.integer({ min: 1, max: 2 }),
          pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
          seed: fc.integer({ min: 1, max: 100 }),
        }).filter((r) => r.H + r.pad[0] + r.pad[1] > r.dh * (r.kH - 1) && r.W + r.pad[2] + r.pad[3] > r.dw * (r.kW - 1)),
        (r) => check({ name: 'random', x: [r.B, r.H, r.W, r.C], f: [r.kH, r.kW, r.C, r.Co], a: attrs([r.sh, r.sw], [r.dh, r.dw], r.pad) }, r.seed),
      ),
      { numRuns: 40 },
    );
  });
});
