import { type GradSaveFunc, type Tensor, customGrad, exp, log, max, mul, reshape, sub, sum, tensor2d } from '@tensorflow/tfjs-core';
import type { Reduction } from './validate.js';

/**
 * Cross entropy of logit rows `[M, C]` with class-index targets already read to JavaScript (the
 * validation reads them anyway), without class weights, as ONE differentiable op: the loss is a
 * linear function of the log-probabilities, `Σ_{i,c} A[i,c]·logp[i,c]` (per row for
 * `'none'`), whose coefficients `A` follow from the targets, `ignoreIndex`, the label smoothing
 * ε and the reduction alone:
 *   A[i,c] = −valid_i · ((1 − ε)·[c = t_i] + ε/C) · (1/V for 'mean', V the number of valid rows).
 * Its gradient is PyTorch's closed form, `dy · (A − (Σ_c A[i,c])·softmax_i)`. A training step
 * thus runs about a dozen kernels for the loss instead of about seventy (the index-target path
 * built from oneHot, where, casts and a guarded mean): what a small model's step is made of.
 *
 * Package-private; `crossEntropyImpl` takes this path when there is no `weight`.
 *
 * @param rows `[M, C]` float32 logits
 * @param targets the `M` class indices (or `ignoreIndex`)
 * @returns scalar (`'mean'`, `'sum'`) or `[M]` (`'none'`); null for `'mean'` when every target is
 *   ignored (the caller's general path gives PyTorch's NaN with a zero gradient)
 */
export function indexCrossEntropy(rows: Tensor, targets: ArrayLike<number>, ignoreIndex: number, labelSmoothing: number, reduction: Reduction): Tensor | null {
  const [M, C] = rows.shape as [number, number];
  let valid = 0;
  for (let i = 0; i < M; i++) if (targets[i] !== ignoreIndex) valid++;
  if (reduction === 'mean' && valid === 0) return null; // NaN with a zero gradient: the general path
  const scale = reduction === 'mean' ? 1 / valid : 1;
  const eps = labelSmoothing;
  const onTarget = -(1 - eps) * scale;
  const spread = -(eps / C) * scale;
  // A and its row sums, built when needed (forward, then backward: tensors of the forward's
  // scope are gone by the time the tape runs the gradient).
  const coefficients = (): Tensor => {
    const a = new Float32Array(M * C);
    for (let i = 0; i < M; i++) {
      const t = targets[i]!;
      if (t === ignoreIndex) continue;
      if (spread !== 0) a.fill(spread, i * C, (i + 1) * C);
      a[i * C + t] = onTarget + spread;
    }
    return tensor2d(a, [M, C]);
  };
  const rowSums = (): Tensor => {
    const r = new Float32Array(M);
    const s = onTarget + spread * C;
    for (let i = 0; i < M; i++) r[i] = targets[i] === ignoreIndex ? 0 : s;
    return tensor2d(r, [M, 1]);
  };
  const perRow = reduction === 'none';
  const f = (x: Tensor, save: GradSaveFunc) => {
    // log-softmax as tfjs computes it (x − max − log Σ exp(x − max)), without its own
    // gradient node and casts: this op's gradient covers it.
    const z = sub(x, max(x, -1, true));
    const logp = sub(z, log(sum(exp(z), -1, true)));
    save([logp]);
    const prod = mul(logp, coefficients());
    return {
      value: perRow ? sum(prod, -1) : sum(prod),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const g = sub(coefficients(), mul(rowSums(), exp(saved[0]!)));
        return [mul(g, perRow ? reshape(dy, [M, 1]) : dy)];
      },
    };
  };
  return customGrad(f as never)(rows) as Tensor;
}
