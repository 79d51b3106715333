import { customGrad, matMul, type Tensor } from '@tensorflow/tfjs-core';
import { tr } from './transpose.js';

/** Swaps the last two axes. @internal */
export function swapLast(x: Tensor): Tensor {
  const p = x.shape.map((_, i) => i);
  p[p.length - 1] = p.length - 2;
  p[p.length - 2] = p.length - 1;
  return tr(x, p);
}

// A plain batched product whose gradient is also plain products of explicitly transposed
// operands. On the wasm backend a BatchMatMul with transposeA/transposeB (as tfjs' own matMul
// gradient uses) runs several times slower than a transpose plus a plain product.
const plain = customGrad(((a: Tensor, b: Tensor, save: (t: Tensor[]) => void) => {
  save([a, b]);
  return {
    value: matMul(a, b),
    gradFunc: (dy: Tensor, saved: Tensor[]) => [matMul(dy, swapLast(saved[1]!)), matMul(swapLast(saved[0]!), dy)],
  };
}) as unknown as Parameters<typeof customGrad>[0]) as unknown as (a: Tensor, b: Tensor) => Tensor;

/**
 * `op(a) · op(b)` for tensors of equal rank (2–4) and equal batch dims, `op` transposing the last
 * two axes when asked. Same result as tfjs `matMul(a, b, transposeA, transposeB)`, faster on
 * wasm forward and backward (see the package README).
 * @internal
 */
export function mm(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  return plain(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b);
}

/** `v · Aᵀ` for v `[..., c, n]`, A `[..., m, n]` as `(A · vᵀ)ᵀ`: only the small v is transposed. @internal */
export function mulTransposed(v: Tensor, a: Tensor): Tensor {
  return swapLast(plain(a, swapLast(v)));
}
