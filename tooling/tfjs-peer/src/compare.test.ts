import { describe, expect, it } from 'vitest';
import { compareRuns, type AllowEntry, type SpecResult } from './compare.js';

const r = (name: string, status: string): SpecResult => ({ name, status });
const allow: AllowEntry[] = [{ spec: 'mirrorPad {backend} {} grad', backends: ['wasm', 'cpu'], reason: 'r', proof: 'p' }];

describe('compareRuns', () => {
  it('counts a spec the control passes and nnkit fails as a regression', () => {
    const c = compareRuns([r('a', 'passed'), r('b', 'passed')], [r('a', 'passed'), r('b', 'failed')], [], ['wasm']);
    expect(c.regressions.map((x) => x.name)).toEqual(['b']);
    expect([c.specs, c.controlPassed, c.nnkitPassed]).toEqual([2, 2, 1]);
  });

  it('counts a spec missing from the nnkit run (child died) as crashed', () => {
    const c = compareRuns([r('a', 'passed')], [], [], ['wasm']);
    expect(c.regressions).toEqual([{ name: 'a', status: 'crashed' }]);
  });

  it('moves allow-listed specs out of the regressions, per backend', () => {
    const c = compareRuns([r('mirrorPad wasm {} grad', 'passed')], [r('mirrorPad wasm {} grad', 'failed')], allow, ['wasm']);
    expect(c.regressions).toEqual([]);
    expect(c.allowed.map((a) => a.entry.proof)).toEqual(['p']);
  });

  it('reports allow-list entries whose spec ran and no longer differs as stale', () => {
    const c = compareRuns([r('mirrorPad cpu {} grad', 'passed')], [r('mirrorPad cpu {} grad', 'passed')], allow, ['cpu']);
    expect(c.stale).toHaveLength(1);
  });

  it('lists nnkit-only passes and ignores excluded specs', () => {
    const c = compareRuns([r('a', 'failed'), r('b', 'excluded')], [r('a', 'passed'), r('b', 'excluded')], [], ['wasm']);
    expect(c.improvements).toEqual(['a']);
    expect(c.specs).toBe(1);
  });
});
