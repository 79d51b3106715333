import fc from 'fast-check';
import { initBackend } from '@nnkit/tensor';
import { Parameter } from '@nnkit/nn';
import { assertClose } from '@nnkit/tooling-testing';
import { memory, norm, randomNormal, tensor, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGradNorm_, clipGradValue_, SGD } from './index.js';

beforeAll(async () => {
  await initBackend();
});

describe('clipGradNorm_ laws', () => {
  it('after clipping the joint norm is min(total, maxNorm); directions are kept; nothing leaks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.constantFrom(1, 2, 3, Infinity),
        fc.integer({ min: 0, max: 999 }),
        (sizes, maxNorm, p, seed) => {
          const ps = sizes.map((n, i) => {
            const q = new Parameter(zeros([n]));
            q.setGrad(randomNormal([n], 0, 2, 'float32', seed + i));
            return q;
          });
          const before = memory().numTensors;
          const total = clipGradNorm_(ps, maxNorm, { normType: p });
          expect(memory().numTensors).toBe(before);
          const after = clipGradNorm_(ps, Infinity, { normType: p });
          expect(after).toBeLessThanOrEqual(Math.min(total, maxNorm) * (1 + 1e-5) + 1e-6);
          if (total < maxNorm) expect(after).toBeCloseTo(total, 4);
          for (const q of ps) q.dispose();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('edge cases: no gradients, non-finite norms, a single Parameter', () => {
    expect(clipGradNorm_([new Parameter(zeros([2]))], 1)).toBe(0);
    const q = new Parameter(zeros([2]));
    q.setGrad(tensor([Infinity, 1]));
    expect(() => clipGradNorm_(q, 1, { errorIfNonfinite: true })).toThrow(/non-finite/);
    const r = new Parameter(zeros([2]));
    r.setGrad(tensor([3, 4]));
    expect(clipGradNorm_(r, 1)).toBeCloseTo(5, 5);
    assertClose(norm(r.grad!), 1, { atol: 1e-5 });
    clipGradValue_(r, 0.7);
    assertClose(r.grad!, [0.6, 0.7], { atol: 1e-6 });
  });
});

describe('SGD law', () => {
  it('plain SGD is p - lr * g (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.double({ min: 0, max: 2, noNaN: true }), fc.integer({ min: 0, max: 99 }), (n, lr, seed) => {
        const p = new Parameter(randomNormal([n], 0, 1, 'float32', seed));
        const g = randomNormal([n], 0, 1, 'float32', seed + 7);
        const expected = Array.from(p.data.dataSync(), (v, i) => v - Math.fround(lr) * g.dataSync()[i]!);
        p.setGrad(g);
        new SGD([p], { lr }).step();
        assertClose(p.data, expected, { atol: 1e-6, rtol: 1e-6 });
        p.dispose();
      }),
      { numRuns: 10 },
    );
  });
});
