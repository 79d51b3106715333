import { ArgumentError } from '../../errors/errors.js';
/** A size given as one number for every spatial axis or one per axis (PyTorch `int | tuple`). */
export type SizeArg = number | readonly number[];

/** Conv padding: a number or one per axis (symmetric), or PyTorch's `'same'` / `'valid'`. */
export type ConvPadding = SizeArg | 'same' | 'valid';

/** Expands `v` to `n` positive integers, naming `what` in the error. */
export function expand(v: SizeArg, n: number, what: string, min = 1): number[] {
  const a = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (a.length !== n || a.some((e) => !Number.isInteger(e) || e < min)) {
    throw new ArgumentError(what, `must be ${n === 1 ? 'an integer' : `an integer or ${n} integers`} >= ${min}, got ${JSON.stringify(v)}`);
  }
  return a;
}

/** Output length of a convolution/pooling axis (PyTorch's formula, floor mode). */
export function convOutSize(len: number, k: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((len + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * [before, after] padding of each spatial axis for a convolution: symmetric for numbers, none for
 * `'valid'`, and for `'same'` total `dilation*(k-1)` with the odd extra on the right/bottom (PyTorch).
 */
export function resolveConvPadding(padding: ConvPadding, k: number[], dilation: number[], stride: number[], what: string): [number, number][] {
  const n = k.length;
  if (padding === 'valid') return k.map(() => [0, 0]);
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ArgumentError(what, `padding='same' is not supported for strided convolutions (stride ${JSON.stringify(stride)})`);
    return k.map((kk, i) => {
      const total = dilation[i]! * (kk - 1);
      const left = Math.floor(total / 2);
      return [left, total - left];
    });
  }
  if (typeof padding === 'string') throw new ArgumentError(what, `padding must be a number, a tuple, 'same' or 'valid', got '${padding as string}'`);
  return expand(padding, n, `${what}: padding`, 0).map((p) => [p, p]);
}
