import type { Module } from '../module.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * Normalises a PyTorch-style index (negative counts from the end); throws a RangeError when out of range.
 *
 * @example
 * ```ts
 * normIndex('Sequential', -1, 3); // 2
 * ```
 */
export function normIndex(owner: string, i: number, length: number): number {
  if (!Number.isInteger(i)) throw new ArgumentError(owner, `index must be an integer, got ${i}`);
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new ArgumentError(owner, `index ${i} is out of range (length ${length})`);
  return j;
}

/**
 * Calls `m.forward` through `m.call` with untyped arguments (containers chain arbitrary modules).
 *
 * @example
 * ```ts
 * const y = callModule(seq.at(0), x) as Tensor; // x: [B, ...]
 * ```
 */
export function callModule(m: Module, ...args: unknown[]): unknown {
  return (m.call as (...a: unknown[]) => unknown).apply(m, args);
}
