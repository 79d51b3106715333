import { type Tensor, add, cast, div, expandDims, log, maximum, mul, scalar, sub, tidy } from '@tensorflow/tfjs-core';
import { noGrad } from './detach.js';
import { Loss, type LossOptions } from './loss.js';
import { LossShapeError, LossValueError, type Reduction, checkBroadcast, fmt, reduce } from './validate.js';

/** Options of {@link gaussianNllLoss} / {@link GaussianNLLLoss}. */
export interface GaussianNLLLossOptions extends LossOptions {
  /** Add the constant ½·log(2π). Default `false`. */
  full?: boolean;
  /** Variances are clamped to at least `eps` (the gradient passes through the clamp, like PyTorch). Default `1e-6`. */
  eps?: number;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Package-private (not exported from the package entry). */
export function gaussianNllImpl(who: string, input: Tensor, target: Tensor, variance: Tensor, reduction: Reduction, full: boolean, eps: number): Tensor {
  checkBroadcast(who, input, target);
  const s = input.shape;
  const v = variance.shape;
  const short = same(s.slice(0, -1), v);
  if (!same(s, v) && !short && !(same(s.slice(0, -1), v.slice(0, -1)) && v[v.length - 1] === 1)) {
    throw new LossShapeError(who, `var of shape ${fmt(s)}, ${fmt(s.slice(0, -1))} or ${fmt([...s.slice(0, -1), 1])}`, v, 'var shape');
  }
  const vals = variance.dataSync() as ArrayLike<number>;
  for (let i = 0; i < vals.length; i++) if (vals[i]! < 0) throw new LossValueError(who, `var has a negative entry (${vals[i]} at flat index ${i})`);
  return tidy(() => {
    let vr = cast(variance, 'float32');
    if (short && !same(s, v)) vr = expandDims(vr, -1);
    // clamp(var, eps) without a gradient through the clamp (PyTorch clamps in no_grad).
    vr = add(vr, noGrad(vr, (x) => sub(maximum(x, scalar(eps)), x)));
    const d = sub(cast(input, 'float32'), cast(target, 'float32'));
    let loss = mul(add(log(vr), div(mul(d, d), vr)), scalar(0.5));
    if (full) loss = add(loss, scalar(0.5 * Math.log(2 * Math.PI)));
    return reduce(who, loss, reduction);
  });
}

/**
 * Gaussian negative log likelihood (`torch.nn.functional.gaussian_nll_loss`):
 * ½·(log var + (input − target)² / var), var clamped at `eps`.
 * @param input predicted means `[N, *]`; @param target `[N, *]`
 * @param variance `[N, *]`, `[N, *]` without the last dim, or with last dim 1 (homoscedastic)
 * @example
 * ```ts
 * gaussianNllLoss(mu, y, sigma2, { full: true }); // [B, D] each
 * ```
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: GaussianNLLLossOptions = {}): Tensor {
  return gaussianNllImpl('gaussianNllLoss', input, target, variance, opts.reduction ?? 'mean', opts.full ?? false, opts.eps ?? 1e-6);
}

/**
 * `torch.nn.GaussianNLLLoss(full, eps)`; called with `(input, target, var)`.
 * @example
 * ```ts
 * new GaussianNLLLoss({ eps: 1e-4 }).call(mu, y, sigma2); // [B, D], [B, D], [B, D] or [B, 1] → scalar
 * ```
 */
export class GaussianNLLLoss extends Loss {
  /** Whether the constant term is added. */
  readonly full: boolean;
  /** Minimum variance. */
  readonly eps: number;
  constructor(opts: GaussianNLLLossOptions = {}) {
    super(opts.reduction);
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-6;
  }
  /** `input: [N, *]`, `target: [N, *]`, `variance: [N, *]` → scalar, or `[N, *]` with `'none'`. */
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllImpl(this.path(), input, target, variance, this.reduction, this.full, this.eps);
  }
}
