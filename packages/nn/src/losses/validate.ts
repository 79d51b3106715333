import { type Tensor, mean, sum } from '@tensorflow/tfjs-core';
import { ArgumentError, DTypeError } from '@nnkit/tensor';
import { ShapeError } from '../errors.js';

/** How a loss combines its per-element values, like PyTorch's `reduction`. */
export type Reduction = 'none' | 'mean' | 'sum';

/**
 * Raised when a loss receives tensors of incompatible shapes. A {@link ShapeError} whose
 * message names the loss (module path or functional name) and the expected vs actual shapes.
 *
 * @example
 * ```ts
 * try { mseLoss(zeros([2, 3]), zeros([4])); } catch (e) { e instanceof LossShapeError; } // true
 * ```
 */
export class LossShapeError extends ShapeError {
  constructor(loss: string, expected: string, got: readonly number[], detail = '') {
    super(loss, expected, got);
    this.message = `${loss}: expected ${expected}, got [${got.join(', ')}]${detail ? ` (${detail})` : ''}`;
  }
}

/**
 * Raised when a loss receives invalid values (class index out of range, bad option, CTC
 * target longer than its input); the message names the loss and what was expected.
 *
 * @example
 * ```ts
 * try { crossEntropy(zeros([2, 3]), tensor1d([0, 7], 'int32')); } catch (e) { e instanceof LossValueError; } // true
 * ```
 */
export class LossValueError extends ArgumentError {
  constructor(
    readonly loss: string,
    detail: string,
  ) {
    super(loss, detail);
  }
}

/** Throws unless `r` is a valid reduction (also `'batchmean'` when allowed). */
export function checkReduction(who: string, r: string, extra: readonly string[] = []): void {
  const ok = ['none', 'mean', 'sum', ...extra];
  if (!ok.includes(r)) {
    throw new LossValueError(who, `invalid reduction '${r}' (expected ${ok.map((s) => `'${s}'`).join(' | ')})`);
  }
}

/** Applies `reduction` to element-wise losses: mean over all elements, sum, or none. */
export function reduce(who: string, loss: Tensor, reduction: Reduction): Tensor {
  checkReduction(who, reduction);
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  return loss;
}

/** Shape string `[2, 3]`. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless `a` and `b` have exactly the same shape. */
export function checkSameShape(who: string, a: Tensor, b: Tensor, aName = 'input', bName = 'target'): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new LossShapeError(who, `${bName} of the same shape as ${aName} ${fmt(a.shape)}`, b.shape, `${bName} shape`);
  }
}

/** Throws unless `a` and `b` broadcast against each other (numpy rules, like PyTorch). */
export function checkBroadcast(who: string, a: Tensor, b: Tensor, aName = 'input', bName = 'target'): void {
  const n = Math.max(a.rank, b.rank);
  for (let i = 1; i <= n; i++) {
    const x = a.shape[a.rank - i] ?? 1;
    const y = b.shape[b.rank - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new LossShapeError(who, `${bName} broadcastable to ${aName} ${fmt(a.shape)}`, b.shape, `${bName} shape`);
    }
  }
}

/** Throws unless `w` is a 1-D tensor of `n` elements (per-class weight). */
export function checkClassWeight(who: string, w: Tensor | undefined | null, n: number, name = 'weight'): void {
  if (w && (w.rank !== 1 || w.shape[0] !== n)) {
    throw new LossShapeError(who, `${name} of shape [${n}] (one per class)`, w.shape, `${name} shape`);
  }
}

/** Reads a small integer tensor (targets) or number list to a JS array of numbers. */
export function readInts(x: Tensor | readonly number[]): number[] {
  return Array.isArray(x) ? [...(x as readonly number[])] : Array.from((x as Tensor).dataSync() as ArrayLike<number>);
}

/**
 * Checks class-index targets: each is an integer in `[0, C)` or equal to `ignoreIndex`.
 * Reads the target values (small, int32) and returns them.
 */
export function checkClassTargets(who: string, target: Tensor, C: number, ignoreIndex: number | null): ArrayLike<number> {
  // PyTorch: "expected scalar type Long but found Float" — class indices must be integers.
  if (target.dtype !== 'int32') throw new DTypeError(who, 'int32 (class indices)', target.dtype, 'target');
  const v = target.dataSync() as ArrayLike<number>;
  for (let i = 0; i < v.length; i++) {
    const t = v[i]!;
    if (ignoreIndex !== null && t === ignoreIndex) continue;
    if (!(t >= 0 && t < C) || Math.floor(t) !== t) {
      const ign = ignoreIndex !== null ? ` or ignoreIndex ${ignoreIndex}` : '';
      throw new LossValueError(who, `target ${t} at flat index ${i} is out of bounds: expected a class index in [0, ${C})${ign}`);
    }
  }
  return v;
}

/** Throws unless `w` broadcasts to exactly `shape` (a weight applied to a loss of that shape). */
export function checkBroadcastTo(who: string, w: Tensor | undefined | null, shape: readonly number[], name: string): void {
  if (!w) return;
  const bad = w.rank > shape.length || w.shape.some((d, i) => d !== 1 && d !== shape[shape.length - w.rank + i]);
  if (bad) throw new LossShapeError(who, `${name} broadcastable to ${fmt(shape)}`, w.shape, `${name} shape`);
}
