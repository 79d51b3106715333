import { engine, tensor, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { NNKIT_MAX_POOL, scanMaxWindows, type MaxPoolNchwAttrs } from '../max-pool-nchw.js';
import { maxPoolRowsApplies } from './max-pool-rows.js';

interface Case {
  name: string;
  shape: [number, number, number, number];
  k: [number, number];
  s: [number, number];
}

const cases: Case[] = [
  { name: "Inception's 3 × 3 / 2 on odd sizes", shape: [2, 3, 19, 23], k: [3, 3], s: [2, 2] },
  { name: "LeNet's 2 × 2 / 2", shape: [3, 2, 28, 28], k: [2, 2], s: [2, 2] },
  { name: '3 × 3 / 1 (overlapping windows)', shape: [1, 2, 9, 17], k: [3, 3], s: [1, 1] },
  { name: 'a tall window, H stride 3, W stride 1', shape: [2, 1, 20, 13], k: [4, 2], s: [3, 1] },
  { name: 'rows of fewer than 4 outputs (one at a time only)', shape: [1, 2, 5, 6], k: [3, 3], s: [2, 2] },
];

const attrsOf = (c: Pick<Case, 'shape' | 'k' | 's'>): MaxPoolNchwAttrs => ({
  kernel: c.k,
  strides: c.s,
  pads: [0, 0],
  dilations: [1, 1],
  out: [Math.floor((c.shape[2] - c.k[0]) / c.s[0]) + 1, Math.floor((c.shape[3] - c.k[1]) / c.s[1]) + 1],
  inShape: c.shape,
});

/** Values with ties (a third are 0, as after a ReLU), −∞ and NaNs: every branch of PyTorch's rule. */
function values(n: number, seed: number, nan: boolean): Float32Array {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Float32Array.from({ length: n }, () => {
    const r = rnd();
    return r < 0.33 ? 0 : r < 0.36 ? -Infinity : nan && r < 0.4 ? Number.NaN : Math.round((r - 0.5) * 8);
  });
}

/** The kernel's `[y, arg]` against the JavaScript scan's, value for value (bits, so NaNs compare). */
function check(c: Pick<Case, 'shape' | 'k' | 's'>, seed: number, nan: boolean): void {
  const a = attrsOf(c);
  const xs = values(c.shape.reduce((p, v) => p * v, 1), seed, nan);
  const x = tensor(xs, c.shape);
  expect(maxPoolRowsApplies(engine().backend, x, a)).toBe(true);
  const [y, arg] = engine().runKernel(NNKIT_MAX_POOL, { x }, a as unknown as NamedAttrMap) as Tensor[];
  const want = new Int32Array(arg!.size);
  scanMaxWindows(xs, c.shape, a, want);
  expect(Array.from(arg!.dataSync())).toEqual(Array.from(want));
  const wantY = Float32Array.from(want, (i) => xs[i]!);
  expect(Array.from(new Uint32Array((y!.dataSync() as Float32Array).buffer))).toEqual(Array.from(new Uint32Array(wantY.buffer)));
  for (const t of [x, y!, arg!]) t.dispose();
}

describe('max-pool-rows wasm SIMD kernel (NnkitMaxPoolNchw forward)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(cases)('picks the first maximum and the last NaN, as the JavaScript scan: $name', (c) => {
    check(c, 7, true);
  });

  it('is not taken with padding, a dilation, a W stride of 3 or windows past the input', () => {
    const x = tensor(new Float32Array(2 * 10 * 10), [1, 2, 10, 10]);
    const a = attrsOf({ shape: [1, 2, 10, 10], k: [3, 3], s: [2, 2] });
    const b = engine().backend;
    expect(maxPoolRowsApplies(b, x, a)).toBe(true);
    expect(maxPoolRowsApplies(b, x, { ...a, pads: [1, 1] })).toBe(false);
    expect(maxPoolRowsApplies(b, x, { ...a, dilations: [1, 2] })).toBe(false);
    expect(maxPoolRowsApplies(b, x, { ...a, strides: [2, 3], out: [4, 3] })).toBe(false);
    expect(maxPoolRowsApplies(b, x, { ...a, out: [5, 5] })).toBe(false); // ceil mode: the last window overhangs
    x.dispose();
  });

  it('matches the JavaScript scan on random shapes, windows and strides (property)', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            B: fc.integer({ min: 1, max: 2 }),
            C: fc.integer({ min: 1, max: 3 }),
            H: fc.integer({ min: 1, max: 12 }),
            W: fc.integer({ min: 1, max: 30 }),
            kH: fc.integer({ min: 1, max: 4 }),
            kW: fc.integer({ min: 1, max: 4 }),
            sH: fc.integer({ min: 1, max: 3 }),
            sW: fc.integer({ min: 1, max: 2 }),
            seed: fc.integer({ min: 1, max: 10000 }),
            nan: fc.boolean(),
          })
          .filter((r) => r.H >= r.kH && r.W >= r.kW),
        (r) => check({ shape: [r.B, r.C, r.H, r.W], k: [r.kH, r.kW], s: [r.sH, r.sW] }, r.seed, r.nan),
      ),
      { numRuns: 100 },
    );
  });
});
