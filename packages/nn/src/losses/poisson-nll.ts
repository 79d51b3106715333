import { type Tensor, add, cast, exp, greater, log, mul, onesLike, scalar, sub, tidy, where, zerosLike } from '@tensorflow/tfjs-core';
import { noGrad } from './detach.js';
import { Loss, type LossOptions } from './loss.js';
import { type Reduction, checkBroadcast, reduce } from './validate.js';

/** Options of {@link poissonNllLoss} / {@link PoissonNLLLoss}. */
export interface PoissonNLLLossOptions extends LossOptions {
  /** The input is the log of the rate: loss = exp(input) − target·input. Default `true`. */
  logInput?: boolean;
  /** Add the Stirling approximation term t·log t − t + ½·log(2πt) (where target > 1). Default `false`. */
  full?: boolean;
  /** Added to the rate before the log when `logInput` is false. Default `1e-8`. */
  eps?: number;
}

/** Package-private (not exported from the package entry). */
export function poissonNllImpl(
  who: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  logInput: boolean,
  full: boolean,
  eps: number,
): Tensor {
  checkBroadcast(who, input, target);
  return tidy(() => {
    const x = cast(input, 'float32');
    const t = cast(target, 'float32');
    let loss = logInput ? sub(exp(x), mul(t, x)) : sub(x, mul(t, log(add(x, scalar(eps)))));
    if (full) {
      const big = noGrad(t, (v) => greater(v, scalar(1)));
      const ts = where(big, t, onesLike(t));
      const stirling = add(sub(mul(ts, log(ts)), ts), mul(log(mul(ts, scalar(2 * Math.PI))), scalar(0.5)));
      loss = add(loss, where(big, stirling, zerosLike(stirling)));
    }
    return reduce(who, loss, reduction);
  });
}

/**
 * Negative log likelihood of a Poisson-distributed target (`torch.nn.functional.poisson_nll_loss`).
 * @param input log-rate (`logInput: true`) or rate `[*]`
 * @param target counts, same shape as `input`
 * @example
 * ```ts
 * poissonNllLoss(logRate, counts, { full: true }); // [B, *]
 * ```
 */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNLLLossOptions = {}): Tensor {
  return poissonNllImpl('poissonNllLoss', input, target, opts.reduction ?? 'mean', opts.logInput ?? true, opts.full ?? false, opts.eps ?? 1e-8);
}

/**
 * `torch.nn.PoissonNLLLoss(logInput, full, eps)`.
 * @example
 * ```ts
 * new PoissonNLLLoss({ logInput: false }).call(rate, counts); // [B, *] → scalar
 * ```
 */
export class PoissonNLLLoss extends Loss {
  /** Whether the input is a log-rate. */
  readonly logInput: boolean;
  /** Whether the Stirling term is added. */
  readonly full: boolean;
  /** Added to the rate before the log. */
  readonly eps: number;
  constructor(opts: PoissonNLLLossOptions = {}) {
    super(opts.reduction);
    this.logInput = opts.logInput ?? true;
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-8;
  }
  /** `input: [*]`, `target: [*]` → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllImpl(this.path(), input, target, this.reduction, this.logInput, this.full, this.eps);
  }
}
