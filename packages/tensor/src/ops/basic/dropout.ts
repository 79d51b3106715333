import { cast, mul, tensor, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { dropoutMask } from './dropout-mask.js';
import { nextSeed } from './random.js';
import { ShapeError, ArgumentError } from '../../errors/errors.js';

function checkP(p: number, op: string): void {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(op, `dropout probability has to be between 0 and 1, but got ${p}`);
}

function masked(x: Tensor, p: number, noiseShape: number[]): Tensor {
  return tidy(() => maskedInner(x, p, noiseShape));
}

function maskedInner(x: Tensor, p: number, noiseShape: number[]): Tensor {
  const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
  if (p === 1) return mul(xf, 0);
  const n = noiseShape.reduce((a, d) => a * d, 1);
  return mul(xf, tensor(dropoutMask(n, p, nextSeed()), noiseShape, 'float32'));
}

/**
 * Inverted dropout, like `torch.nn.functional.dropout(x, p, training)`: in training, zeroes
 * each element with probability `p` and scales the rest by `1 / (1 - p)`; otherwise returns
 * a copy. The mask is drawn from the global RNG ({@link manualSeed}).
 *
 * @param x any shape
 * @returns same shape as `x`
 * @example
 * ```ts
 * const y = dropout(x, 0.5, model.training);
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, 'dropout');
  if (!training || p === 0) return x.clone();
  return masked(x, p, x.shape);
}

/**
 * Channel-wise dropout, like `torch.nn.functional.dropout2d` (PyTorch's `feature_dropout`):
 * zeroes whole channels `x[b, c]` with probability `p` and scales the rest by `1 / (1 - p)`.
 * As in PyTorch 1.13, dims 0 and 1 are batch and channel for any rank ≥ 2
 * (`[B, C, H, W]`, or `[B, C, L]`).
 *
 * @param x `[B, C, ...]`
 * @returns same shape as `x`
 * @example
 * ```ts
 * const y = dropout2d(x, 0.25, true); // x: [B, C, H, W]
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, 'dropout2d');
  if (x.rank < 2) throw new ShapeError('dropout2d', '[B, C, ...] (at least 2 dims)', x.shape);
  if (!training || p === 0) return x.clone();
  return masked(x, p, [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)]);
}
