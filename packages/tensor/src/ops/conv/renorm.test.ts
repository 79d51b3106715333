import { memory, randomNormal, reshape, sqrt, square, sum, tensor, tidy } from '@tensorflow/tfjs-core';
import { assertClose } from '@nnkit/tooling-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { ArgumentError } from '../../errors/errors.js';
import fc from 'fast-check';
import { renorm, renormRowsL2 } from './renorm.js';

describe('renorm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('scales only slices whose norm exceeds maxnorm (torch.renorm)', () => {
    // torch.renorm(torch.tensor([[3.,4.],[0.3,0.4]]), 2, 0, 1.0)
    const w = tensor([[3, 4], [0.3, 0.4]]);
    const out = renorm(w, 2, 0, 1);
    assertClose(out, [0.6 * (5 / (5 + 1e-7)), 0.8 * (5 / (5 + 1e-7)), 0.3, 0.4], { atol: 1e-6 });
    // dim 1, p 1
    const o2 = renorm(w, 1, 1, 1);
    assertClose(o2, [3 / 3.3, 4 / 4.4, 0.3 / 3.3, 0.4 / 4.4], { atol: 1e-6 });
  });

  it('works on 4-D conv weights and does not leak', () => {
    const w = randomNormal([4, 1, 3, 2]);
    const before = memory().numTensors;
    const out = renorm(w, 2, 0, 0.5);
    expect(memory().numTensors).toBe(before + 1);
    const norms = tidy(() => sqrt(sum(square(reshape(out, [4, -1])), 1)).dataSync());
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.5 + 1e-5);
    expect(() => renorm(w, 2, 4, 1)).toThrow(/dim 4/);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`renormRowsL2 is bit for bit renorm(w, 2, 0, maxnorm) on ${backend} (property)`, async () => {
      await initBackend(backend);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 70 }),
          fc.double({ min: 0, max: 3, noNaN: true }),
          fc.integer({ min: 0, max: 1e6 }),
          (rows, per, maxnorm, seed) => {
            const w = randomNormal([rows, per], 0, 1, 'float32', seed);
            const want = tidy(() => renorm(w, 2, 0, maxnorm).dataSync());
            const got = renormRowsL2(w.dataSync() as Float32Array, rows, maxnorm);
            w.dispose();
            expect(Array.from(got)).toEqual(Array.from(want));
          },
        ),
        { numRuns: 60, seed: 5 },
      );
    });
  }

  afterAll(async () => {
    await initBackend('wasm');
  });

  it('renormRowsL2 keeps NaN rows and empty values, and rejects a negative bound', () => {
    expect(Array.from(renormRowsL2(Float32Array.from([NaN, 1, 3, 4]), 2, 1))).toEqual([NaN, 1, expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(renormRowsL2(new Float32Array(0), 0, 1)).toEqual(new Float32Array(0));
    expect(() => renormRowsL2(new Float32Array(2), 1, -1)).toThrow(/maxnorm/);
    expect(() => renormRowsL2(new Float32Array(5), 2, 1)).toThrow(ArgumentError);
    expect(() => renormRowsL2(new Float32Array(5), 2, 1)).toThrow(/5 values must split into 2 rows/);
    expect(() => renormRowsL2(new Float32Array(0), -1, 1)).toThrow(/rows/);
  });
});
