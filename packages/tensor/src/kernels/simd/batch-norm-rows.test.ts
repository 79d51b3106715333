import { memory, randomNormal, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { ArgumentError, ShapeError } from '../../errors/errors.js';
import { batchNormRows, batchNormRowsGrad, hasSimdBatchNorm } from './batch-norm-rows.js';

/** Forward and backward of training-mode batch norm in float64 (PyTorch's formulas), x `[B, C, L]`. */
function reference(x: Float32Array, dy: Float32Array, g: Float32Array | null, b: Float32Array | null, B: number, C: number, L: number, eps: number) {
  const n = B * L;
  const at = (bi: number, c: number, t: number): number => (bi * C + c) * L + t;
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const dGamma = new Float64Array(C);
  const dBeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    for (let bi = 0; bi < B; bi++) for (let t = 0; t < L; t++) mean[c]! += x[at(bi, c, t)]! / n;
    for (let bi = 0; bi < B; bi++) for (let t = 0; t < L; t++) variance[c]! += (x[at(bi, c, t)]! - mean[c]!) ** 2 / n;
    const is = 1 / Math.sqrt(variance[c]! + eps);
    const gc = g ? g[c]! : 1;
    let sg = 0;
    let sgx = 0;
    for (let bi = 0; bi < B; bi++) {
      for (let t = 0; t < L; t++) {
        const i = at(bi, c, t);
        const xh = (x[i]! - mean[c]!) * is;
        y[i] = xh * gc + (b ? b[c]! : 0);
        dBeta[c]! += dy[i]!;
        dGamma[c]! += dy[i]! * xh;
        sg += dy[i]! * gc;
        sgx += dy[i]! * gc * xh;
      }
    }
    for (let bi = 0; bi < B; bi++) {
      for (let t = 0; t < L; t++) {
        const i = at(bi, c, t);
        const xh = (x[i]! - mean[c]!) * is;
        dx[i] = is * (dy[i]! * gc - sg / n - (xh * sgx) / n);
      }
    }
  }
  return { y, mean, variance, dx, dGamma, dBeta };
}

function worst(got: Tensor, want: Float64Array): number {
  const v = got.dataSync();
  let w = 0;
  for (let i = 0; i < want.length; i++) w = Math.max(w, Math.abs(v[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  return w;
}

interface Case {
  name: string;
  shape: number[];
  affine: boolean;
  offset: number;
  /** Largest error relative to 1 + |float64 value| (default 1e-5). */
  tol?: number;
}

const cases: Case[] = [
  { name: "EEG-TCNet's second batch norm, [8, 16, 1, 250]", shape: [8, 16, 1, 250], affine: true, offset: 0 },
  { name: 'rows not a multiple of 4 and shorter than a block, [3, 5, 7, 3]', shape: [3, 5, 7, 3], affine: true, offset: 0 },
  { name: 'BatchNorm1d on [B, C] (rows of one value)', shape: [6, 5], affine: true, offset: 0 },
  { name: 'no affine parameters, [2, 3, 130]', shape: [2, 3, 130], affine: false, offset: 0 },
  // x's own float32 spacing at 1000 is 6e-5: y and dx can be no closer than that times invStd.
  { name: 'large offset (raw microvolts): centred before squaring, [4, 2, 300]', shape: [4, 2, 300], affine: true, offset: 1000, tol: 1e-4 },
];

function check(c: Case, seed: number): void {
  const tol = c.tol ?? 1e-5;
  const before = memory().numTensors;
  tidy(() => {
    const [B, C] = c.shape as [number, number];
    const L = c.shape.slice(2).reduce((p, v) => p * v, 1);
    const x = randomNormal(c.shape, c.offset, 2, 'float32', seed);
    const dy = randomNormal(c.shape, 0, 1, 'float32', seed + 1);
    const g = c.affine ? randomNormal([C], 1, 0.5, 'float32', seed + 2) : null;
    const b = c.affine ? randomNormal([C], 0, 0.5, 'float32', seed + 3) : null;
    const eps = 1e-5;
    const ref = reference(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, (g?.dataSync() as Float32Array) ?? null, (b?.dataSync() as Float32Array) ?? null, B, C, L, eps);
    const r = batchNormRows(x, g, b, eps);
    expect(worst(r.y, ref.y), 'y').toBeLessThan(tol);
    expect(worst(r.mean, ref.mean), 'mean').toBeLessThan(1e-6);
    expect(worst(r.variance, ref.variance), 'variance').toBeLessThan(tol);
    const d = batchNormRowsGrad(dy, r.xc, r.invStd, g);
    // dx = P·dy + R·xc + S cancels terms of size invStd·|dy|: float32 rounding grows with invStd
    // (1/sqrt(eps) at worst, for a channel whose few values are nearly equal).
    const maxInvStd = Math.max(1, ...Array.from(ref.variance, (v) => 1 / Math.sqrt(v + eps)));
    expect(worst(d.dx, ref.dx), 'dx').toBeLessThan(tol * maxInvStd);
    expect(worst(d.dBeta, ref.dBeta), 'dBeta').toBeLessThan(tol);
    if (c.affine) expect(worst(d.dGamma, ref.dGamma), 'dGamma').toBeLessThan(tol);
  });
  expect(memory().numTensors).toBe(before);
}

describe('batch-norm-rows wasm SIMD kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('are installed on wasm', () => {
    expect(hasSimdBatchNorm()).toBe(true);
  });

  it('refuse bad input with nnkit errors naming the function (and leak nothing)', () => {
    const before = memory().numTensors;
    tidy(() => {
      const x = randomNormal([2, 3, 4]);
      expect(() => batchNormRows(randomNormal([3]), null, null, 1e-5)).toThrow(ShapeError);
      expect(() => batchNormRows(x, randomNormal([4]), null, 1e-5)).toThrow(/batchNormRows: expected gamma of shape float32 \[3\], got \[4\]/);
      expect(() => batchNormRows(x, null, null, -1)).toThrow(ArgumentError);
      expect(() => batchNormRows(randomNormal([0, 3, 4]), null, null, 1e-5)).toThrow(ShapeError);
      const r = batchNormRows(x, null, null, 1e-5);
      expect(() => batchNormRowsGrad(x, randomNormal([2, 3, 5]), r.invStd, null)).toThrow(/batchNormRowsGrad: expected xc/);
      expect(() => batchNormRowsGrad(x, r.xc, randomNormal([2]), null)).toThrow(/expected invStd/);
    });
    expect(memory().numTensors).toBe(before);
  });

  it.each(cases)('match float64 values, statistics and gradients: $name', (c) => {
    check(c, 11);
  });

  it('match float64 on random shapes (property)', () => {
    fc.assert(
      // At least 2 values per channel, as PyTorch requires in training mode: with one, dx is a
      // difference of two equal float32 products scaled by 1/sqrt(eps), i.e. rounding noise.
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }).filter((sh) => sh[0]! * sh.slice(2).reduce((p, v) => p * v, 1) >= 2), fc.boolean(), fc.integer({ min: 1, max: 1000 }), (shape, affine, seed) => {
        // Batches of one or two values per channel have invStd up to 1/sqrt(eps): float32's
        // rounding is amplified as much, hence PyTorch's parity bar here.
        check({ name: 'random', shape, affine, offset: 0, tol: 1e-4 }, seed);
      }),
      { numRuns: 40 },
    );
  });
});

describe('batch-norm-rows on the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('are not in use, and calling them says so', () => {
    expect(hasSimdBatchNorm()).toBe(false);
    tidy(() => {
      expect(() => batchNormRows(randomNormal([2, 3, 4]), null, null, 1e-5)).toThrow(/batchNormRows: needs nnkit's wasm SIMD kernels \(backend 'cpu'\)/);
    });
  });
});
