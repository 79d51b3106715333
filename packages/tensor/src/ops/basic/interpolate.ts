import { gather, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from '../../errors/index.js';

/**
 * Source indices of PyTorch's `mode='nearest'` for one axis (`nearest_idx` in ATen's
 * UpSample.h): the identity when the sizes are equal, `i >> 1` when the output is exactly twice
 * the input, otherwise `min(floor(i · scale), in − 1)` with `scale = in / out` and the product
 * both in float32, as ATen computes them.
 *
 * tfjs' `resizeNearestNeighbor` (no align corners, no half-pixel centres) floors `i · in / out` with
 * its own arithmetic; it agreed with PyTorch on all 192 (in, out) pairs of the test (1–37 → 1–75),
 * but nnkit gathers with these indices so the rule is ATen's float32 one on every backend, by
 * construction rather than by coincidence of rounding.
 *
 * @example
 * ```ts
 * nearestIndices(3, 7); // [0, 0, 0, 1, 1, 2, 2]
 * ```
 */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  if (outSize === inSize) for (let i = 0; i < outSize; i++) idx[i] = i;
  else if (outSize === 2 * inSize) for (let i = 0; i < outSize; i++) idx[i] = i >> 1;
  else {
    const scale = Math.fround(inSize / outSize);
    for (let i = 0; i < outSize; i++) idx[i] = Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
  }
  return idx;
}

/**
 * Nearest-neighbour resize of the last two axes to `size` = `[H', W']`, PyTorch's
 * `F.interpolate(x, size=size, mode='nearest')` index for index (see {@link nearestIndices}).
 * Differentiable (the gradient scatters back through the gathers).
 *
 * @param x `[B, C, H, W]` (or any rank ≥ 2: the last two axes are resized)
 * @param size `[H', W']`, positive integers
 * @returns `[B, C, H', W']`
 * @example
 * ```ts
 * const up = interpolateNearest(x, [37, 50]); // [2, 16, 18, 25] → [2, 16, 37, 50]
 * ```
 */
export function interpolateNearest(x: Tensor, size: readonly [number, number]): Tensor {
  if (x.rank < 2) throw new ShapeError('interpolateNearest', '[..., H, W] (at least 2 dims)', x.shape);
  const [oh, ow] = size;
  for (const v of size) if (!Number.isInteger(v) || v < 1) throw new ArgumentError('interpolateNearest', `size must be two positive integers, got [${size.join(', ')}]`);
  const [h, w] = [x.shape[x.rank - 2]!, x.shape[x.rank - 1]!];
  if (h < 1 || w < 1) throw new ShapeError('interpolateNearest', '[..., H >= 1, W >= 1]', x.shape);
  return tidy(() => {
    let y = x;
    if (oh !== h) y = gather(y, tensor1d(nearestIndices(h, oh), 'int32'), x.rank - 2);
    if (ow !== w) y = gather(y, tensor1d(nearestIndices(w, ow), 'int32'), x.rank - 1);
    return y === x ? x.clone() : y;
  });
}
