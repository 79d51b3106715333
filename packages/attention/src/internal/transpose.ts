import { reshape, type Tensor, transpose } from '@tensorflow/tfjs-core';

/**
 * `transpose(t, perm)` with the same result, avoiding the wasm backend's 2-D transpose kernel
 * where it is slow: after dropping axes of size 1 and merging axes that stay adjacent, a
 * permutation that swaps two blocks `[X, Y] → [Y, X]` runs there as a loop writing with stride
 * X, which thrashes the cache when X is a large power of two (`[1024, 64]`: ~0.5 ms). The rank-3
 * kernel writes sequentially and reads with stride Y instead, so when X > Y the swap is split
 * into it: `[X, y1, y2] → [y1, y2, X]` (~0.07 ms). A plain reshape when only axes of size 1
 * move. @internal
 */
export function tr(t: Tensor, perm: readonly number[]): Tensor {
  const shape = t.shape;
  const outShape = perm.map((a) => shape[a]!);
  // the input axes of size > 1, renumbered, in output order
  const big = shape.map((_, i) => i).filter((i) => shape[i]! > 1);
  const order = perm.filter((a) => shape[a]! > 1).map((a) => big.indexOf(a));
  if (order.every((a, i) => a === i)) return reshape(t, outShape);
  // runs of consecutive input axes in output order
  const runs: number[][] = [];
  for (const a of order) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[last.length - 1] === a - 1) last.push(a);
    else runs.push([a]);
  }
  if (runs.length === 2) {
    const size = (r: number[]): number => r.reduce((s, a) => s * shape[big[a]!]!, 1);
    const y = size(runs[0]!); // the block that comes second in the input, first in the output
    const x = size(runs[1]!);
    // the 2-D kernel strides its writes by x, the rank-3 kernel its reads by y: take the smaller
    if (x <= y) return reshape(transpose(reshape(t, [x, y]), [1, 0]), outShape);
    const fy = factor(y);
    if (fy > 1) return reshape(transpose(reshape(t, [x, fy, y / fy]), [1, 2, 0]), outShape);
    const fx = factor(x);
    if (fx > 1) return reshape(transpose(reshape(t, [fx, x / fx, y]), [2, 0, 1]), outShape);
  }
  return transpose(t, [...perm]);
}

/** The smallest factor > 1 of n below n, or 1 for a prime (or 1). */
function factor(n: number): number {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return 1;
}
