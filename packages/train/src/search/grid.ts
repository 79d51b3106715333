import type { Params, SearchSpace } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * Every combination of a grid, in a fixed order (the last key varies fastest), like
 * scikit-learn's `ParameterGrid`.
 *
 * @example
 * ```ts
 * gridPoints({ lr: [0.1, 0.01], depth: [2, 3] }); // [{lr:0.1,depth:2}, {lr:0.1,depth:3}, {lr:0.01,depth:2}, {lr:0.01,depth:3}]
 * ```
 */
export function gridPoints(space: SearchSpace): Params[] {
  if (space === null || typeof space !== 'object') throw new ArgumentError('gridPoints', 'expected an object of value lists');
  let out: Params[] = [{}];
  for (const [k, values] of Object.entries(space)) {
    if (!Array.isArray(values) || values.length === 0) throw new ArgumentError('gridPoints', `'${k}' must be a non-empty array of values`);
    out = out.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  }
  return out;
}

/** A stable key for a parameter combination (JSON with sorted keys). @example `trialKey({b: 1, a: 2}) // '{"a":2,"b":1}'` */
export function trialKey(params: Params): string {
  return JSON.stringify(Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]])));
}

/**
 * K-fold split of `n` samples (scikit-learn's `KFold`: the first `n % k` folds get one more
 * sample), optionally shuffled with a seeded generator.
 *
 * @example
 * ```ts
 * kFold(10, 5); // [{ train: [2..9], test: [0, 1] }, ...]
 * ```
 */
export function kFold(n: number, k: number, opts: { shuffle?: boolean; seed?: number } = {}): Array<{ train: number[]; test: number[] }> {
  if (!Number.isInteger(k) || k < 2) throw new ArgumentError('kFold', `k must be an integer >= 2, got ${k}`);
  if (!Number.isInteger(n) || n < k) throw new ArgumentError('kFold', `cannot split ${n} samples into ${k} folds`);
  const idx = Array.from({ length: n }, (_, i) => i);
  if (opts.shuffle) {
    let s = (opts.seed ?? 0) >>> 0;
    const rand = (): number => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
  }
  const folds: Array<{ train: number[]; test: number[] }> = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = idx.slice(start, start + size);
    folds.push({ test, train: [...idx.slice(0, start), ...idx.slice(start + size)] });
    start += size;
  }
  return folds;
}
