import { add, grads, memory, mul, profile, relu, reshape, sum, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { conv1d, conv2d, type ConvOptions } from './conv.js';
import { conv2dNhwc, convEpilogueAvailable } from './kernel-conv.js';
import { ArgumentError } from '../../errors/errors.js';

/** Deterministic values in [-0.5, 0.5) (about half the outputs negative, so ReLU matters). */
const values = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + k * 0.71) / 2);
const make = (shape: number[], k: number): Tensor => tensor(values(shape.reduce((p, d) => p * d, 1), k), shape);

interface Case {
  name: string;
  x: number[];
  w: number[];
  opts: ConvOptions;
}

// One case per kernel path of conv2d: Winograd, the window product, XNNPACK, the pointwise GEMM,
// grouped, depthwise, and the NCHW kernels (one-channel, RGB stem).
const cases: Case[] = [
  { name: '3 × 3 stride 1, 32 → 16 (Winograd)', x: [2, 32, 9, 9], w: [16, 32, 3, 3], opts: { padding: 1 } },
  { name: '3 × 3 stride 2, 8 → 64 (window product)', x: [2, 8, 9, 7], w: [64, 8, 3, 3], opts: { stride: 2 } },
  { name: '5 × 5, 6 → 16 (XNNPACK)', x: [2, 6, 12, 12], w: [16, 6, 5, 5], opts: {} },
  { name: '1 × 1, 24 → 12 (pointwise GEMM)', x: [3, 24, 5, 5], w: [12, 24, 1, 1], opts: {} },
  { name: 'groups 2, 1 × 7', x: [2, 8, 5, 11], w: [6, 4, 1, 7], opts: { groups: 2, padding: [0, 3] } },
  { name: 'depthwise 3 × 3', x: [2, 5, 6, 6], w: [10, 1, 3, 3], opts: { groups: 5, padding: 'same' } },
  { name: 'one-channel image (NCHW kernel)', x: [2, 1, 10, 10], w: [8, 1, 5, 5], opts: {} },
  { name: 'RGB stem (NCHW windows kernel)', x: [1, 3, 11, 11], w: [32, 3, 3, 3], opts: { stride: 2 } },
];

describe("conv2d's activation: relu(conv + bias), fused into the kernel without a tape", () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is available on wasm with SIMD and not while a tape records', () => {
    expect(convEpilogueAvailable()).toBe(true);
    const x = make([1, 1, 2, 2], 0);
    grads((a: Tensor) => {
      expect(convEpilogueAvailable()).toBe(false);
      return sum(a);
    })([x]);
    x.dispose();
  });

  it.each(cases)('gives relu(conv2d + bias) bit for bit, with and without a bias: $name', ({ x: xs, w: ws, opts }) => {
    const before = memory().numTensors;
    tidy(() => {
      const x = make(xs, 1);
      const w = make(ws, 2);
      const b = make([ws[0]!], 3);
      for (const bias of [b, null]) {
        const fused = conv2d(x, w, bias, { ...opts, activation: 'relu' });
        const plain = relu(conv2d(x, w, bias, opts));
        expect(fused.shape).toEqual(plain.shape);
        expect(Array.from(fused.dataSync())).toEqual(Array.from(plain.dataSync()));
      }
    });
    expect(memory().numTensors).toBe(before);
  });

  it('runs the bias and ReLU inside NnkitConv2D: no Add or Relu kernel', async () => {
    const x = make([1, 32, 9, 9], 1);
    const w = make([16, 32, 3, 3], 2);
    const b = make([16], 3);
    const p = await profile(() => tidy(() => void conv2d(x, w, b, { padding: 1, activation: 'relu' }).dataSync()));
    const names = p.kernels.map((k) => k.name);
    expect(names).toContain('NnkitConv2D');
    expect(names.filter((n) => n === 'Add' || n === 'Relu')).toEqual([]);
    [x, w, b].forEach((t) => t.dispose());
  });

  it('keeps a NaN through the ReLU, as PyTorch does', () => {
    tidy(() => {
      const x = make([1, 32, 9, 9], 1);
      const w = make([16, 32, 3, 3], 2);
      const b = tensor([Number.NaN, ...values(15, 3)]);
      const y = conv2d(x, w, b, { padding: 1, activation: 'relu' });
      const d = y.dataSync();
      for (let i = 0; i < 81; i++) expect(d[i]).toBeNaN();
      expect(Array.from(d.subarray(81)).every((v) => v >= 0)).toBe(true);
    });
  });

  it('differentiates as relu(conv2d + bias) under a tape (the unfused ops)', () => {
    tidy(() => {
      const x = make([2, 32, 6, 6], 1);
      const w = make([16, 32, 3, 3], 2);
      const b = make([16], 3);
      const dy = make([2, 16, 6, 6], 4);
      const loss = (f: (x: Tensor, w: Tensor, b: Tensor) => Tensor) => (p: Tensor, q: Tensor, r: Tensor) => sum(mul(f(p, q, r), dy));
      const fused = grads(loss((p, q, r) => conv2d(p, q, r, { padding: 1, activation: 'relu' })))([x, w, b]);
      const plain = grads(loss((p, q, r) => relu(add(conv2d(p, q, null, { padding: 1 }), reshape(r, [1, -1, 1, 1])))))([x, w, b]);
      // the same ops in another layout (NHWC): the bias gradient's sum in another order
      fused.forEach((g, i) => {
        const [u, v] = [g.dataSync(), plain[i]!.dataSync()];
        for (let j = 0; j < u.length; j++) expect(Math.abs(u[j]! - v[j]!)).toBeLessThan(1e-6 * (1 + Math.abs(v[j]!)));
      });
    });
  });

  it('refuses another activation with an ArgumentError naming the op', () => {
    const before = memory().numTensors;
    tidy(() => {
      const x = make([1, 2, 5, 5], 1);
      const w = make([3, 2, 3, 3], 2);
      expect(() => conv2d(x, w, null, { activation: 'gelu' } as unknown as ConvOptions)).toThrow(ArgumentError);
      expect(() => conv2d(x, w, null, { activation: 'gelu' } as unknown as ConvOptions)).toThrow(/conv2d.*'relu'.*"gelu"/);
      expect(() => conv1d(reshape(x, [1, 2, 25]), reshape(w, [3, 2, 9]), null, { activation: 'tanh' } as unknown as ConvOptions)).toThrow(/conv1d/);
    });
    expect(memory().numTensors).toBe(before);
  });

  it("applies to conv1d's output too", () => {
    tidy(() => {
      const x = make([2, 4, 20], 1);
      const w = make([6, 4, 5], 2);
      const b = make([6], 3);
      expect(Array.from(conv1d(x, w, b, { padding: 'same', activation: 'relu' }).dataSync())).toEqual(Array.from(relu(conv1d(x, w, b, { padding: 'same' })).dataSync()));
    });
  });

  it('refuses an epilogue under a tape at the kernel level (it has no gradient)', () => {
    const x = make([1, 4, 4, 16], 1);
    const f = make([3, 3, 16, 8], 2);
    expect(() => grads((a: Tensor) => sum(conv2dNhwc(a, f, { strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1], depthwise: false }, { relu: true })))([x])).toThrow(/no gradient/);
    [x, f].forEach((t) => t.dispose());
  });
});
