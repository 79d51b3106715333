import { ArgumentError } from '@nnkit/tensor';
/** One train/test split of sample indices (both sorted ascending). */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/** Splits 0..n−1 into `test` (where `isTest[i]`) and `train` (the rest), both sorted. */
export function foldFromMask(isTest: Uint8Array): Fold {
  let nt = 0;
  for (let i = 0; i < isTest.length; i++) nt += isTest[i]!;
  const test = new Int32Array(nt);
  const train = new Int32Array(isTest.length - nt);
  let a = 0;
  let b = 0;
  for (let i = 0; i < isTest.length; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** Number of samples from `n` (a count) or from the length of an array of labels/features. */
export function sampleCount(x: number | { readonly length: number }, who: string): number {
  const n = typeof x === 'number' ? x : x.length;
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(who, `the number of samples must be a non-negative integer, got ${n}`);
  return n;
}

/** Labels encoded 0..K−1 in order of first appearance (numbers or strings). */
export function encodeLabels(labels: ArrayLike<number | string>): { codes: Int32Array; classes: (number | string)[] } {
  const map = new Map<number | string, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    let c = map.get(y);
    if (c === undefined) {
      c = map.size;
      map.set(y, c);
    }
    codes[i] = c;
  }
  return { codes, classes: [...map.keys()] };
}
