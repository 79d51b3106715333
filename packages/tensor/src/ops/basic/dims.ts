import { ArgumentError } from '../../errors/errors.js';
/**
 * Normalises a possibly negative dimension index (PyTorch style) for a tensor of rank `rank`.
 * Throws a RangeError naming `op` when out of range.
 *
 * @example
 * ```ts
 * normalizeDim(-1, 3, 'softmax'); // 2
 * ```
 */
export function normalizeDim(dim: number, rank: number, op = 'op'): number {
  const lo = rank === 0 ? -1 : -rank;
  const hi = rank === 0 ? 0 : rank - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new ArgumentError(op, `dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}
