import { matMul, type Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '../../errors/errors.js';

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
    throw new ShapeError('bmm', '3-D tensors [B, N, M] and [B, M, P]', `[${a.shape.join(', ')}] and [${b.shape.join(', ')}]`, 'operands');
  }
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeError('bmm', '[B, N, M] x [B, M, P] (equal batch and a.shape[2] == b.shape[1])', `[${a.shape.join(', ')}] x [${b.shape.join(', ')}]`, 'operands');
  }
  return matMul(a, b);
}
