import { engine, getBackend, matMul, mul, reshape, transpose, type Tensor } from '@tensorflow/tfjs-core';
import { hasTallMatMul, outerMatMulApplies, tallMatMulApplies, tilesMatMulApplies } from '../simd/matmul-tall.js';

/**
 * `x · yᵀ` (or the transposed variants) where the contracted dimension has length 1 — an outer
 * product — as a broadcasting multiply: XNNPACK runs a K = 1 GEMM at a fraction of the speed
 * (e.g. the gradient of an average pool written as reshape + matMul: 6.8 ms → ~1 ms).
 */
function outer(x: Tensor, y: Tensor, tX: boolean, tY: boolean): Tensor | null {
  const kx = tX ? x.shape[x.rank - 2] : x.shape[x.rank - 1];
  const ky = tY ? y.shape[y.rank - 1] : y.shape[y.rank - 2];
  if (kx !== 1 || ky !== 1) return null;
  // On wasm nnkit's SIMD outer product (through BatchMatMul) writes each element once: 5-10× faster.
  if (getBackend() === 'wasm' && hasTallMatMul(engine().backend) && outerMatMulApplies(x.shape, y.shape, tX, tY)) return matMul(x, y, tX, tY);
  // x as a column [.., M, 1], y as a row [.., 1, N]: their product broadcasts to [.., M, N].
  const col = tX ? reshape(x, [...x.shape.slice(0, -2), x.shape[x.rank - 1]!, 1]) : x;
  const row = tY ? reshape(y, [...y.shape.slice(0, -2), 1, y.shape[y.rank - 2]!]) : y;
  return mul(col, row);
}

/** `t` with its last two axes swapped. */
function swapLast(t: Tensor): Tensor {
  const perm = [...Array(t.rank).keys()];
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1]!, perm[t.rank - 2]!];
  return transpose(t, perm);
}

/**
 * `matMul(x, y, tX, tY)`, as a broadcasting multiply when it is an outer product. On wasm a
 * transposed operand is transposed first: tfjs-backend-wasm's `BatchMatMul` with `transposeA`
 * or `transposeB` takes a slow path (measured 7–10× slower than transpose + plain GEMM at
 * `[289, 384] · [384, 2592]`-sized operands), except `aᵀ·b` where nnkit's SIMD kernels take it
 * (`simd/matmul-tall.ts`: `tilesMatMulApplies`, `tallMatMulApplies`). Used by the gradients of `BatchMatMul` and of pointwise convolutions.
 *
 * @param x `[..., M, K]` (`[..., K, M]` when `tX`); y `[..., K, N]` (`[..., N, K]` when `tY`)
 * @returns `[..., M, N]`
 * @example `product(dy, w, false, true) // dy · wᵀ, as transpose(w) then a plain GEMM on wasm`
 */
export function product(x: Tensor, y: Tensor, tX = false, tY = false): Tensor {
  const o = outer(x, y, tX, tY);
  if (o !== null) return o;
  if ((tX || tY) && getBackend() === 'wasm') {
    // aᵀ·b runs transposed on nnkit's SIMD products: the pack-free tiles (b with at least 8
    // columns) or, with a tall, narrow b (a weight gradient), mm_tall.
    if (tX && !tY && hasTallMatMul(engine().backend) && (tilesMatMulApplies(x.shape, y.shape, true, false) || tallMatMulApplies(x.shape, y.shape, true, false))) return matMul(x, y, true, false);
    return matMul(tX ? swapLast(x) : x, tY ? swapLast(y) : y);
  }
  return matMul(x, y, tX, tY);
}
