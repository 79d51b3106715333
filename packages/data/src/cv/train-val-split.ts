import { type Generator, defaultGenerator } from '../core/generator.js';
import { type Fold, encodeLabels, foldFromMask, sampleCount } from './fold.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link trainValSplit}. */
export interface TrainValSplitOptions {
  /** Fraction of samples in the validation set (default 0.2); `ceil(n * valFraction)` samples. */
  valFraction?: number;
  /** Keep the class proportions in both parts (needs labels as the first argument). */
  stratify?: boolean;
  generator?: Generator;
}

/**
 * A seeded random train/validation split (like `sklearn.model_selection.train_test_split`),
 * optionally stratified by class. Returns index sets (`test` holds the validation indices).
 *
 * @param x - number of samples, or the labels (one per sample) when `stratify` is set
 * @example
 * ```ts
 * const { train, test: val } = trainValSplit(labels, { valFraction: 0.2, stratify: true, generator: new Generator(0) });
 * ```
 */
export function trainValSplit(x: number | ArrayLike<number | string>, opts: TrainValSplitOptions = {}): Fold {
  const n = sampleCount(typeof x === 'number' ? x : x.length, 'trainValSplit');
  const f = opts.valFraction ?? 0.2;
  if (!(f > 0 && f < 1)) throw new ArgumentError('trainValSplit', `valFraction must be in (0, 1), got ${f}`);
  const nVal = Math.ceil(f * n - 1e-9);
  if (nVal === 0 || nVal === n) throw new ArgumentError('trainValSplit', `with n=${n} and valFraction=${f} one of the sets would be empty`);
  const g = opts.generator ?? defaultGenerator();
  const mask = new Uint8Array(n);
  if (!opts.stratify) {
    const p = g.randperm(n);
    for (let i = 0; i < nVal; i++) mask[p[i]!] = 1;
    return foldFromMask(mask);
  }
  if (typeof x === 'number') throw new ArgumentError('trainValSplit', 'stratify needs the labels, not a sample count');
  const { codes, classes } = encodeLabels(x);
  const members: number[][] = classes.map(() => []);
  codes.forEach((c, i) => members[c]!.push(i));
  // per-class quota: floor of the exact share, remainder to the largest fractional parts
  const exact = members.map((m) => (m.length * nVal) / n);
  const quota = exact.map(Math.floor);
  let left = nVal - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((e, k) => [e - Math.floor(e), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, k] of order) {
    if (left === 0) break;
    if (quota[k]! < members[k]!.length) {
      quota[k]! += 1;
      left--;
    }
  }
  members.forEach((m, k) => {
    const p = g.randperm(m.length);
    for (let i = 0; i < quota[k]!; i++) mask[m[p[i]!]!] = 1;
  });
  return foldFromMask(mask);
}
