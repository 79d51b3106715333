import { type Generator, defaultGenerator } from '../core/generator.js';
import { type Fold, encodeLabels, foldFromMask, sampleCount } from './fold.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link KFold} and {@link StratifiedKFold}. */
export interface KFoldOptions {
  /** Shuffle before splitting (default false: consecutive folds). */
  shuffle?: boolean;
  /** Random source of the shuffle (default: the global generator). */
  generator?: Generator;
}

function checkSplits(nSplits: number, who: string): void {
  if (!Number.isInteger(nSplits) || nSplits < 2) throw new ArgumentError(who, `nSplits must be an integer ≥ 2, got ${nSplits}`);
}

/**
 * K-fold cross-validation (like `sklearn.model_selection.KFold`): `nSplits` folds of
 * consecutive (or, with `shuffle`, randomly permuted) indices; the first `n % nSplits` folds
 * get one extra sample. Every index is in exactly one test fold.
 *
 * @example
 * ```ts
 * for (const { train, test } of new KFold(5, { shuffle: true, generator: new Generator(0) }).split(150)) { ... }
 * ```
 */
export class KFold {
  constructor(
    readonly nSplits: number,
    readonly opts: KFoldOptions = {},
  ) {
    checkSplits(nSplits, 'KFold');
  }

  /** The folds for `n` samples (or an array with one entry per sample). */
  split(n: number | { readonly length: number }): Fold[] {
    const N = sampleCount(n, 'KFold.split');
    if (this.nSplits > N) throw new ArgumentError('KFold', `cannot have nSplits=${this.nSplits} greater than the number of samples n=${N}`);
    const order = this.opts.shuffle ? (this.opts.generator ?? defaultGenerator()).randperm(N) : Int32Array.from({ length: N }, (_, i) => i);
    const folds: Fold[] = [];
    let start = 0;
    for (let k = 0; k < this.nSplits; k++) {
      const size = Math.floor(N / this.nSplits) + (k < N % this.nSplits ? 1 : 0);
      const mask = new Uint8Array(N);
      for (let i = start; i < start + size; i++) mask[order[i]!] = 1;
      folds.push(foldFromMask(mask));
      start += size;
    }
    return folds;
  }
}

/**
 * Stratified K-fold (like `sklearn.model_selection.StratifiedKFold`, same allocation rule):
 * each fold keeps the class proportions of `labels` as closely as possible.
 *
 * @example
 * ```ts
 * const folds = new StratifiedKFold(5, { shuffle: true, generator: new Generator(1) }).split(labels);
 * ```
 */
export class StratifiedKFold {
  constructor(
    readonly nSplits: number,
    readonly opts: KFoldOptions = {},
  ) {
    checkSplits(nSplits, 'StratifiedKFold');
  }

  /** The folds for the class `labels` (numbers or strings, one per sample). */
  split(labels: ArrayLike<number | string>): Fold[] {
    const { codes, classes } = encodeLabels(labels);
    const K = classes.length;
    const counts = new Int32Array(K);
    for (const c of codes) counts[c]! += 1;
    if (this.nSplits > Math.max(...counts)) {
      throw new ArgumentError('StratifiedKFold', `nSplits=${this.nSplits} cannot be greater than the number of members in each class (largest class: ${Math.max(...counts)})`);
    }
    // sklearn: allocation[i][k] = count of class k in sorted(labels)[i::nSplits]
    const sorted = Int32Array.from(codes).sort();
    const allocation = Array.from({ length: this.nSplits }, () => new Int32Array(K));
    sorted.forEach((c, j) => (allocation[j % this.nSplits]![c]! += 1));
    const testFold = new Int32Array(codes.length);
    const g = this.opts.shuffle ? (this.opts.generator ?? defaultGenerator()) : undefined;
    for (let k = 0; k < K; k++) {
      const folds: number[] = [];
      for (let i = 0; i < this.nSplits; i++) for (let r = 0; r < allocation[i]![k]!; r++) folds.push(i);
      if (g) g.shuffle(folds);
      let p = 0;
      for (let j = 0; j < codes.length; j++) if (codes[j] === k) testFold[j] = folds[p++]!;
    }
    return Array.from({ length: this.nSplits }, (_, i) => foldFromMask(Uint8Array.from(testFold, (f) => (f === i ? 1 : 0))));
  }
}
