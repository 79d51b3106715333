import { initBackend } from '@nnkit/tensor';
import { memory, range, reshape, tidy, transpose } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tr } from './transpose.js';

describe.each(['wasm', 'cpu'] as const)('tr on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('equals transpose for any shape (sizes 1–6, rank 1–5) and permutation', () => {
    const shapePerm = fc
      .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 })
      .chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length })));
    const before = memory().numTensors;
    fc.assert(
      fc.property(shapePerm, ([shape, perm]) =>
        tidy(() => {
          const x = reshape(range(0, shape.reduce((a, b) => a * b, 1)), shape);
          const got = tr(x, perm);
          expect(got.shape).toEqual(perm.map((a) => shape[a]));
          expect(Array.from(got.dataSync())).toEqual(Array.from(transpose(x, perm).dataSync()));
        }),
      ),
      { numRuns: 200, seed: 13 },
    );
    expect(memory().numTensors).toBe(before);
  });

  it('matches transpose on a large [1024, 64] block swap (the split path)', () => {
    tidy(() => {
      const x = reshape(range(0, 1024 * 64), [1, 1024, 64]);
      expect(Array.from(tr(x, [0, 2, 1]).dataSync())).toEqual(Array.from(transpose(x, [0, 2, 1]).dataSync()));
    });
  });
});
