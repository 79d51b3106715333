import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../core/generator.js';
import { KFold, StratifiedKFold } from './kfold.js';
import { LeaveOneGroupOut } from './leave-one-group-out.js';
import { trainValSplit } from './train-val-split.js';
import type { Fold } from './fold.js';

function checkPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const f of folds) {
    expect(f.train.length + f.test.length).toBe(n);
    const s = new Set([...f.train, ...f.test]);
    expect(s.size).toBe(n);
    for (const i of f.test) seen[i]! += 1;
  }
  expect(Array.from(seen).every((c) => c === 1)).toBe(true);
}

describe('KFold', () => {
  it('partitions like sklearn (first n % k folds one larger) and is seeded', () => {
    const folds = new KFold(3).split(10);
    expect(folds.map((f) => Array.from(f.test))).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    checkPartition(folds, 10);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 6, max: 60 }), fc.nat(), (k, n, seed) => {
        const a = new KFold(k, { shuffle: true, generator: new Generator(seed) }).split(n);
        checkPartition(a, n);
        const b = new KFold(k, { shuffle: true, generator: new Generator(seed) }).split(n);
        expect(a.map((f) => Array.from(f.test))).toEqual(b.map((f) => Array.from(f.test)));
      }),
      { numRuns: 20 },
    );
    expect(() => new KFold(5).split(3)).toThrow(/greater than the number of samples/);
    expect(() => new KFold(1)).toThrow(/≥ 2/);
  });
});

describe('StratifiedKFold', () => {
  it('keeps class proportions (sklearn allocation) and is seeded', () => {
    const y = [...Array(50).fill(0), ...Array(30).fill(1), ...Array(20).fill('c')] as (number | string)[];
    const folds = new StratifiedKFold(5, { shuffle: true, generator: new Generator(0) }).split(y);
    checkPartition(folds, 100);
    for (const f of folds) {
      const counts = [0, 1, 'c'].map((c) => Array.from(f.test).filter((i) => y[i] === c).length);
      expect(counts).toEqual([10, 6, 4]);
    }
    const unshuffled = new StratifiedKFold(2).split([0, 0, 0, 1, 1, 1]);
    expect(unshuffled.map((f) => Array.from(f.test))).toEqual([[0, 1, 3], [2, 4, 5]]);
    const again = new StratifiedKFold(5, { shuffle: true, generator: new Generator(0) }).split(y);
    expect(again.map((f) => Array.from(f.test))).toEqual(folds.map((f) => Array.from(f.test)));
    expect(() => new StratifiedKFold(4).split([0, 0, 1])).toThrow(/cannot be greater/);
  });
});

describe('LeaveOneGroupOut', () => {
  it('holds out one subject per fold', () => {
    const groups = [3, 1, 1, 2, 3, 2, 1];
    const folds = new LeaveOneGroupOut().split(groups);
    expect(folds.map((f) => f.group)).toEqual([1, 2, 3]);
    expect(folds.map((f) => Array.from(f.test))).toEqual([[1, 2, 6], [3, 5], [0, 4]]);
    checkPartition(folds, 7);
    expect(new LeaveOneGroupOut().getNSplits(['a', 'b', 'a'])).toBe(2);
    expect(() => new LeaveOneGroupOut().split([1, 1])).toThrow(/fewer than 2/);
  });
});

describe('trainValSplit', () => {
  it('random and stratified splits, seeded', () => {
    const a = trainValSplit(10, { valFraction: 0.25, generator: new Generator(1) });
    expect(a.test.length).toBe(3);
    expect(a.train.length).toBe(7);
    expect(new Set([...a.train, ...a.test]).size).toBe(10);
    const b = trainValSplit(10, { valFraction: 0.25, generator: new Generator(1) });
    expect(Array.from(b.test)).toEqual(Array.from(a.test));
    const y = [...Array(40).fill(0), ...Array(10).fill(1)] as number[];
    const s = trainValSplit(y, { valFraction: 0.2, stratify: true, generator: new Generator(2) });
    expect(s.test.length).toBe(10);
    expect(Array.from(s.test).filter((i) => y[i] === 1).length).toBe(2);
    expect(() => trainValSplit(10, { stratify: true })).toThrow(/labels/);
    expect(() => trainValSplit(10, { valFraction: 1 })).toThrow(/\(0, 1\)/);
  });
});
