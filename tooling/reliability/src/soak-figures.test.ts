import { describe, expect, it } from 'vitest';
import { soakFigures, type SoakTrace } from './soak.js';

/** A trace with these RSS values and everything else flat. */
function trace(rssMiB: number[]): SoakTrace {
  const flat = (v: number): number[] => rssMiB.map(() => v);
  return { epochs: rssMiB.map((_, i) => i + 1), tensors: flat(143), rssMiB, wasmMiB: flat(33.3), heapMiB: flat(20), arrayBuffersMiB: flat(1), newSpaceMiB: flat(26.1), wasmResidentMiB: flat(33.1) };
}

describe('soakFigures', () => {
  it('takes no garbage collection dip at mid as the second half\'s baseline (the CI trace of session 14)', () => {
    const f = soakFigures(trace([164.7, 165.3, 168.5, 157.0, 157.2, 159.4, 155.8, 156.1, 156.9, 160.5, 163.6, 163.7, 164.3, 164.3, 164.1, 164.3]));
    expect(f.rssGrowthSecondHalf).toBeLessThan(0);
    expect(f.rssGrowth).toBeLessThan(0);
  });

  it('still reads a leak: RSS growing every epoch shows its whole second-half growth', () => {
    const rss = Array.from({ length: 16 }, (_, i) => 160 + i);
    const f = soakFigures(trace(rss));
    expect(f.rssGrowthSecondHalf).toBeCloseTo((175 - 167) / 167, 6);
    expect(f.rssGrowthSecondHalf).toBeGreaterThan(0.02);
  });
});
