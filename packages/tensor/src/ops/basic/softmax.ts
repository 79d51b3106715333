import {
  cast,
  exp,
  log,
  onesLike,
  max,
  mul,
  softmax as tfSoftmax,
  sub,
  sum,
  type Tensor,
  div,
  tidy,
} from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from './custom-unary.js';
import { normalizeDim } from './dims.js';


/**
 * Softmax along dimension `dim` (negative dims count from the end), like `torch.softmax(x, dim)`.
 * Numerically stable (the maximum along `dim` is subtracted first). The last dimension uses
 * tfjs' fused Softmax kernel; other dimensions a fused custom op with an analytic gradient.
 *
 * @param x any shape `[..., D, ...]`
 * @returns same shape as `x`, summing to 1 along `dim`
 * @example
 * ```ts
 * softmax(tensor2d([[1, 2], [3, 4]]), 0); // columns sum to 1
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.rank, 'softmax');
  if (x.dtype !== 'float32') return tidy(() => softmax(cast(x, 'float32'), d));
  const xf = x;
  if (x.rank === 0) return onesLike(xf);
  if (d === x.rank - 1) return tfSoftmax(xf);
  return unaryCustomGrad(
    xf,
    (xx) => {
      const e = exp(sub(xx, max(xx, d, true)));
      const y = div(e, sum(e, d, true));
      return { value: y, save: [y] };
    },
    (dy, [y]) => {
      const dyy = mul(dy, y!);
      return sub(dyy, mul(sum(dyy, d, true), y!));
    },
  );
}

/**
 * Log-softmax along dimension `dim` (negative dims allowed), like `torch.log_softmax(x, dim)`:
 * `x - logsumexp(x, dim)`, computed stably, with an analytic gradient.
 *
 * @param x any shape `[..., D, ...]`
 * @returns same shape as `x`
 * @example
 * ```ts
 * const logp = logSoftmax(logits, -1); // logits: [B, classes]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.rank, 'logSoftmax');
  if (x.dtype !== 'float32') return tidy(() => logSoftmax(cast(x, 'float32'), d));
  const xf = x;
  return unaryCustomGrad(
    xf,
    (xx) => {
      const shifted = sub(xx, max(xx, d, true));
      const y = sub(shifted, log(sum(exp(shifted), d, true)));
      return { value: y, save: [y] };
    },
    (dy, [y]) => sub(dy, mul(exp(y!), sum(dy, d, true))),
  );
}
