import { memory, tensor, tidy, transpose } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { col2imRows, im2colColumns, patchesAttrs, simdPatchesActive, type PatchesAttrs } from './patches.js';

interface Geometry {
  x: [number, number, number, number];
  k: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: [number, number, number, number];
}

/** The output size of a convolution along one axis (the definition). */
const outSize = (n: number, k: number, s: number, d: number, p0: number, p1: number): number => Math.floor((n + p0 + p1 - (k - 1) * d - 1) / s) + 1;

function attrsOf(g: Geometry): PatchesAttrs {
  const [B, H, W, C] = g.x;
  const Ho = outSize(H, g.k[0], g.strides[0], g.dilations[0], g.pad[0], g.pad[1]);
  const Wo = outSize(W, g.k[1], g.strides[1], g.dilations[1], g.pad[2], g.pad[3]);
  const a: NnkitConvAttrs = { strides: g.strides, dilations: g.dilations, pad: g.pad, depthwise: false };
  return patchesAttrs(g.x, [g.k[0], g.k[1], C, 1], [B, Ho, Wo, 1], a);
}

/** For every window m and tap k = (i·kW + j)·C + c, the flat index of x it reads, or −1 (zero). */
function windowIndex(a: PatchesAttrs): number[][] {
  const [B, H, W, C] = a.xShape;
  const rows: number[][] = [];
  for (let b = 0; b < B; b++)
    for (let ho = 0; ho < a.Ho; ho++)
      for (let wo = 0; wo < a.Wo; wo++) {
        const row = new Array<number>(a.kH * a.kW * C).fill(-1);
        for (let i = 0; i < a.kH; i++)
          for (let j = 0; j < a.kW; j++)
            for (let c = 0; c < C; c++) {
              const h = ho * a.strides[0] - a.padTop + i * a.dilations[0];
              const w = wo * a.strides[1] - a.padLeft + j * a.dilations[1];
              if (h >= 0 && h < H && w >= 0 && w < W) row[(i * a.kW + j) * C + c] = ((b * H + h) * W + w) * C + c;
            }
        rows.push(row);
      }
  return rows;
}

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

function check(g: Geometry): void {
  const a = attrsOf(g);
  const n = g.x.reduce((p, v) => p * v, 1);
  const idx = windowIndex(a);
  const x = tensor(seq(n, (i) => i + 0.5), g.x);
  // the windows as columns: row k holds tap k of every window
  const K = a.kH * a.kW * g.x[3];
  const colsT = im2colColumns(x, a);
  expect(colsT.shape).toEqual([K, idx.length]);
  expect(Array.from(colsT.dataSync())).toEqual(seq(K * idx.length, (q) => idx[q % idx.length]![Math.floor(q / idx.length)]!).map((i) => (i < 0 ? 0 : i + 0.5)));
  // col2im: each window value added back where it was read (eighths: exact in any order)
  const values = seq(idx.length * K, (i) => ((i * 7919) % 97) / 8 - 6);
  const expected = new Float32Array(n);
  idx.flat().forEach((i, k) => {
    if (i >= 0) expected[i] = Math.fround(expected[i]! + values[k]!);
  });
  const c = tensor(values, [idx.length, K]);
  const dx = col2imRows(c, a);
  expect(dx.shape).toEqual(g.x);
  expect(Array.from(dx.dataSync())).toEqual(Array.from(expected));
  for (const t of [x, colsT, c, dx]) t.dispose();
}

const cases: { name: string; g: Geometry }[] = [
  { name: "LeNet's first conv (one channel, 5 × 5)", g: { x: [2, 12, 11, 1], k: [5, 5], strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0] } },
  { name: "LeNet's second conv (6 channels)", g: { x: [2, 9, 9, 6], k: [5, 5], strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0] } },
  { name: "'same' padding on every side, odd channels", g: { x: [1, 7, 6, 3], k: [3, 3], strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1] } },
  { name: 'stride 2 with uneven padding (an Inception reduction)', g: { x: [2, 9, 10, 5], k: [3, 3], strides: [2, 2], dilations: [1, 1], pad: [0, 1, 1, 0] } },
  { name: 'dilation along W (taps one at a time)', g: { x: [1, 5, 17, 2], k: [2, 3], strides: [1, 1], dilations: [2, 4], pad: [1, 0, 3, 2] } },
  { name: 'a window larger than the input (taps cut on both sides)', g: { x: [1, 3, 4, 4], k: [5, 7], strides: [1, 3], dilations: [1, 1], pad: [2, 2, 3, 3] } },
  { name: 'one output row from a one-column kernel (an EEG spatial filter)', g: { x: [3, 22, 5, 8], k: [22, 1], strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0] } },
  { name: 'a 1 × 1 kernel at stride 3', g: { x: [2, 7, 7, 9], k: [1, 1], strides: [3, 3], dilations: [1, 1], pad: [0, 0, 0, 0] } },
  { name: 'one channel at W stride 2, rows of 4, 5 and 9+ outputs (the shuffled copy and its tail)', g: { x: [2, 5, 23, 1], k: [3, 4], strides: [2, 2], dilations: [1, 1], pad: [1, 0, 2, 1] } },
  { name: 'one channel at W stride 2 ending at the input’s last value', g: { x: [1, 3, 18, 1], k: [1, 2], strides: [1, 2], dilations: [1, 1], pad: [0, 0, 0, 0] } },
];

describe('patches wasm SIMD kernels (im2col as columns, col2im)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are installed on wasm with SIMD', () => {
    expect(simdPatchesActive()).toBe(true);
  });

  for (const c of cases) {
    it(`${c.name}: im2col reads every tap from its place, col2im adds it back there`, () => check(c.g));
  }

  it('leave no tensor behind', () => {
    const a = attrsOf(cases[3]!.g);
    const before = memory().numTensors;
    tidy(() => {
      const x = tensor(seq(2 * 9 * 10 * 5, (i) => i), a.xShape);
      col2imRows(transpose(im2colColumns(x, a)), a).dispose();
    });
    expect(memory().numTensors).toBe(before);
  });

  it('agree with the definition for any geometry (property)', () => {
    const geometry = fc
      .record({
        B: fc.integer({ min: 1, max: 2 }),
        H: fc.integer({ min: 1, max: 7 }),
        W: fc.integer({ min: 1, max: 9 }),
        C: fc.integer({ min: 1, max: 6 }),
        kH: fc.integer({ min: 1, max: 4 }),
        kW: fc.integer({ min: 1, max: 4 }),
        sh: fc.integer({ min: 1, max: 3 }),
        sw: fc.integer({ min: 1, max: 3 }),
        dh: fc.integer({ min: 1, max: 2 }),
        dw: fc.integer({ min: 1, max: 3 }),
        pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
      })
      .map((r): Geometry => ({ x: [r.B, r.H, r.W, r.C], k: [r.kH, r.kW], strides: [r.sh, r.sw], dilations: [r.dh, r.dw], pad: r.pad }))
      .filter((g) => {
        const a = attrsOf(g);
        return a.Ho >= 1 && a.Wo >= 1;
      });
    fc.assert(fc.property(geometry, (g) => check(g)), { numRuns: 60 });
  });
});
