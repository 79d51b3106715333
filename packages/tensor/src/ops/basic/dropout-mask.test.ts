import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropoutMask } from './dropout-mask.js';

describe('dropoutMask', () => {
  it('holds only 0 and float32 1 / (1 − p), and is a function of the seed', () => {
    const m = dropoutMask(1001, 0.3, 12345);
    const scale = Math.fround(1 / Math.fround(0.7));
    for (const v of m) expect([0, scale]).toContain(v);
    expect(dropoutMask(1001, 0.3, 12345)).toEqual(m);
    expect(dropoutMask(1001, 0.3, 12346)).not.toEqual(m);
    expect(dropoutMask(0, 0.3, 1)).toEqual(new Float32Array(0));
  });

  it('drops a fraction p of the entries, independently of position (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (p, seed) => {
        const n = 20000;
        const m = dropoutMask(n, p, seed);
        let dropped = 0;
        let pairs = 0; // both of two neighbours dropped: p² of the pairs when draws are independent
        for (let i = 0; i < n; i++) {
          if (m[i] === 0) {
            dropped++;
            if (i > 0 && m[i - 1] === 0) pairs++;
          }
        }
        const sd = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(dropped / n - p)).toBeLessThan(5 * sd);
        expect(Math.abs(pairs / (n - 1) - p * p)).toBeLessThan(5 * Math.sqrt((p * p * (1 - p * p)) / n));
      }),
      { numRuns: 30, seed: 11 },
    );
  });

  it('gives unrelated masks for neighbouring seeds', () => {
    const a = dropoutMask(20000, 0.5, 1000);
    const b = dropoutMask(20000, 0.5, 1001);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(Math.abs(same / a.length - 0.5)).toBeLessThan(0.02);
  });
});
