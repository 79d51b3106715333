import { type Tensor, cast, div, equal, exp, log, mean, mul, onesLike, scalar, sub, sum, tidy, where } from '@tensorflow/tfjs-core';
import { noGrad } from './detach.js';
import { Loss } from './loss.js';
import { checkBroadcast, checkReduction } from './validate.js';

/** Reductions of the KL divergence: PyTorch's, plus `'batchmean'` (sum / batch size, the true KL). */
export type KLDivReduction = 'none' | 'mean' | 'sum' | 'batchmean';

/** Options of {@link klDiv} / {@link KLDivLoss}. */
export interface KLDivLossOptions {
  /** `'mean'` (default; mean over all elements), `'batchmean'`, `'sum'` or `'none'`. */
  reduction?: KLDivReduction;
  /** The target is given as log-probabilities. Default `false`. */
  logTarget?: boolean;
}

/** Package-private (not exported from the package entry). */
export function klDivImpl(who: string, input: Tensor, target: Tensor, reduction: KLDivReduction, logTarget: boolean): Tensor {
  checkReduction(who, reduction, ['batchmean']);
  checkBroadcast(who, input, target);
  return tidy(() => {
    const x = cast(input, 'float32');
    const t = cast(target, 'float32');
    let loss: Tensor;
    if (logTarget) loss = mul(exp(t), sub(t, x));
    else {
      // xlogy(t, t) − t·x, with 0·log 0 = 0.
      const safe = where(noGrad(t, (v) => equal(v, scalar(0))), onesLike(t), t);
      loss = sub(mul(t, log(safe)), mul(t, x));
    }
    if (reduction === 'none') return loss;
    if (reduction === 'sum') return sum(loss);
    if (reduction === 'mean') return mean(loss);
    return input.rank === 0 ? sum(loss) : div(sum(loss), scalar(input.shape[0]!));
  });
}

/**
 * Kullback–Leibler divergence (`torch.nn.functional.kl_div`): target·(log target − input), with
 * the input given as log-probabilities. Use `reduction: 'batchmean'` for the mathematical KL.
 * @param input log-probabilities `[B, *]`
 * @param target probabilities (or log-probabilities with `logTarget`), same shape
 * @example
 * ```ts
 * klDiv(logSoftmax(logits, 1), probs, { reduction: 'batchmean' }); // [B, C]
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivLossOptions = {}): Tensor {
  return klDivImpl('klDiv', input, target, opts.reduction ?? 'mean', opts.logTarget ?? false);
}

/**
 * `torch.nn.KLDivLoss(reduction, logTarget)`.
 * @example
 * ```ts
 * new KLDivLoss({ reduction: 'batchmean', logTarget: true }).call(logP, logQ); // [B, C] → scalar
 * ```
 */
export class KLDivLoss extends Loss {
  /** Whether the target is given as log-probabilities. */
  readonly logTarget: boolean;
  /** The reduction, including `'batchmean'`. */
  readonly klReduction: KLDivReduction;
  constructor(opts: KLDivLossOptions = {}) {
    const r = opts.reduction ?? 'mean';
    super(r === 'batchmean' ? 'sum' : r);
    checkReduction(this.path(), r, ['batchmean']);
    this.klReduction = r;
    this.logTarget = opts.logTarget ?? false;
  }
  override extraRepr(): string {
    return `reduction=${this.klReduction}`;
  }
  /** `input: [B, *]`, `target: [B, *]` → scalar, or `[B, *]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDivImpl(this.path(), input, target, this.klReduction, this.logTarget);
  }
}
