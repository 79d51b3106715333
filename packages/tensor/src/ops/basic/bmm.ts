import { matMul, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Batched matrix product, like `torch.bmm(a, b)`.
 *
 * @param a `[B, N, M]`
 * @param b `[B, M, P]`
 * @returns `[B, N, P]`
 * @example
 * ```ts
 * const attn = bmm(q, permute(k, [0, 2, 1])); // [B, N, C] x [B, C, N] -> [B, N, N]
 * ```
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 3 || b.rank !== 3) {
    throw new RangeError(`bmm: expected 3-D tensors [B, N, M] and [B, M, P], got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new RangeError(
      `bmm: shapes cannot be multiplied: [${a.shape.join(', ')}] x [${b.shape.join(', ')}] (need equal batch and a.shape[2] == b.shape[1])`,
    );
  }
  return matMul(a, b);
}
