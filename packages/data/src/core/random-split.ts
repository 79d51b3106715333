import { Subset, type Dataset } from './dataset.js';
import { type Generator, defaultGenerator } from './generator.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * Resolves split `lengths` for `n` items the way `torch.utils.data.random_split` does:
 * integer lengths must sum to `n`; fractions summing to 1 get `floor(n * f)` each and the
 * remainder is handed out one at a time, round-robin, from the first split.
 *
 * @example `splitLengths(10, [0.5, 0.3, 0.2])` → `[5, 3, 2]`; `splitLengths(11, [0.5, 0.5])` → `[6, 5]`
 */
export function splitLengths(n: number, lengths: readonly number[]): number[] {
  if (lengths.length === 0) throw new ArgumentError('randomSplit', 'lengths must not be empty');
  const sum = lengths.reduce((a, b) => a + b, 0);
  const allInts = lengths.every((l) => Number.isInteger(l) && l >= 0);
  if (Math.abs(sum - 1) <= 1e-9 && sum <= 1) {
    if (lengths.some((f) => f < 0 || f > 1)) throw new ArgumentError('randomSplit', `fractions must be in [0, 1], got [${lengths.join(', ')}]`);
    const out = lengths.map((f) => Math.floor(n * f));
    const remainder = n - out.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) out[i % out.length]! += 1;
    return out;
  }
  if (!allInts) {
    throw new ArgumentError('randomSplit', `lengths must be non-negative integers or fractions summing to 1, got [${lengths.join(', ')}]`);
  }
  if (sum !== n) {
    throw new ArgumentError('randomSplit', `sum of input lengths (${sum}) does not equal the length of the input dataset (${n})`);
  }
  return lengths.slice();
}

/**
 * Splits a data set into non-overlapping random subsets (like `torch.utils.data.random_split`):
 * one `randperm` of the indices from `generator`, cut into consecutive pieces.
 *
 * @param lengths - integer sizes summing to `dataset.length`, or fractions summing to 1
 * @example
 * ```ts
 * const [train, val] = randomSplit(ds, [0.8, 0.2], new Generator().manualSeed(42));
 * ```
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator()): Subset<T>[] {
  const sizes = splitLengths(dataset.length, lengths);
  const perm = generator.randperm(dataset.length);
  let offset = 0;
  return sizes.map((len) => {
    const idx = perm.subarray(offset, offset + len);
    offset += len;
    return new Subset(dataset, idx);
  });
}
