import { ArgumentError } from '../../errors/errors.js';

/** A size given as one number for every spatial axis or one per axis (PyTorch `int | tuple`). */
export type SizeArg = number | readonly number[];

/** Explicit zero padding: one `[before, after]` pair per spatial axis (H then W; T for 1-d). */
export type ConvPaddingPairs = ReadonlyArray<readonly [number, number]>;

/**
 * Conv padding: a number or one per axis (symmetric), PyTorch's `'same'` / `'valid'`, or
 * explicit `[before, after]` pairs per axis ({@link ConvPaddingPairs}).
 */
export type ConvPadding = SizeArg | 'same' | 'valid' | ConvPaddingPairs;

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
 * `[before, after]` zero padding of each spatial axis of a convolution — the one place nnkit
 * resolves PyTorch's padding rule (layers call it once, at construction): symmetric for numbers,
 * none for `'valid'`, for `'same'` a total of `dilation·(k − 1)` with the odd extra on the
 * right/bottom (as PyTorch), explicit pairs checked and kept.
 *
 * @param k kernel size per spatial axis; `dilation`, `stride` likewise
 * @param what the op or module path named in errors
 * @throws ArgumentError for `'same'` with a stride > 1, or a malformed / negative padding.
 * @example
 * ```ts
 * resolveConvPadding('same', [1, 32], [1, 1], [1, 1], 'Conv2d'); // [[0, 0], [15, 16]]
 * ```
 */
export function resolveConvPadding(padding: ConvPadding, k: readonly number[], dilation: readonly number[], stride: readonly number[], what: string): [number, number][] {
  const n = k.length;
  if (padding === 'valid') return k.map(() => [0, 0]);
  if (Array.isArray(padding) && padding.some((p) => Array.isArray(p))) {
    const pairs = padding as ConvPaddingPairs;
    if (pairs.length !== n || pairs.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
      throw new ArgumentError(what, `padding pairs must be ${n} [before, after] pairs of integers >= 0, got ${JSON.stringify(padding)}`);
    }
    return pairs.map((p) => [p[0], p[1]]);
  }
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ArgumentError(what, `padding='same' is not supported for strided convolutions (stride ${JSON.stringify(stride)})`);
    return k.map((kk, i) => {
      const total = dilation[i]! * (kk - 1);
      const left = Math.floor(total / 2);
      return [left, total - left];
    });
  }
  if (typeof padding === 'string') throw new ArgumentError(what, `padding must be a number, a tuple, 'same' or 'valid', got '${padding as string}'`);
  return expand(padding as SizeArg, n, `${what}: padding`, 0).map((p) => [p, p]);
}
