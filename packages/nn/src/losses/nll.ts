import {
  type Tensor,
  cast,
  div,
  equal,
  fill,
  gather,
  logicalNot,
  mul,
  neg,
  onesLike,
  reshape,
  scalar,
  sum,
  tidy,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { checkIndexTarget, classRows } from './class-dim.js';
import { Loss, type LossOptions } from './loss.js';
import { oneHotF } from './one-hot.js';
import { type Reduction, checkClassTargets, checkClassWeight, checkReduction } from './validate.js';

/** Options of {@link nllLoss} / {@link NLLLoss}. */
export interface NLLLossOptions extends LossOptions {
  /** Weight of each class, `[C]`. */
  weight?: Tensor;
  /** Target value that is ignored (no loss, no gradient, not counted by `'mean'`). Default `-100`. */
  ignoreIndex?: number;
}

/** Per-row negative log likelihood with the weights used by `'mean'`. Package-private. */
export interface NllRows {
  /** `[M]` loss per row (0 where ignored). */
  loss: Tensor;
  /** `[M]` weight of each row's target class (0 where ignored). */
  w: Tensor;
  /** `[M]` 1 where the target is not ignored. */
  valid: Tensor;
}

/** NLL on rows `[M, C]` of log-probabilities with int targets `[M]`. Package-private. */
export function nllRows(rows: Tensor, C: number, target: Tensor, ignoreIndex: number, weight?: Tensor): NllRows {
  const t = cast(reshape(target, [-1]), 'int32');
  const ign = equal(t, scalar(ignoreIndex, 'int32'));
  const safeT = where(ign, zerosLike(t), t);
  const valid = cast(logicalNot(ign), 'float32');
  const picked = sum(mul(rows, oneHotF(safeT, C)), -1);
  const w = weight ? mul(gather(cast(weight, 'float32'), safeT), valid) : valid;
  return { loss: neg(mul(picked, w)), w, valid };
}

/** Package-private (not exported from the package entry). */
export function nllImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction, ignoreIndex: number, weight?: Tensor): Tensor {
  checkReduction(who, reduction);
  return tidy(() => {
    const { rows, C, outShape } = classRows(who, input);
    checkIndexTarget(who, input, target, outShape);
    checkClassWeight(who, weight, C);
    checkClassTargets(who, target, C, ignoreIndex);
    const r = nllRows(rows, C, target, ignoreIndex, weight);
    if (reduction === 'none') return reshape(r.loss, outShape);
    if (reduction === 'sum') return sum(r.loss);
    return weightedMean(sum(r.loss), sum(r.w));
  });
}

/**
 * num / den, NaN when den = 0 (like PyTorch when every target is ignored) but with a zero
 * gradient there instead of NaN. Package-private.
 */
export function weightedMean(num: Tensor, den: Tensor): Tensor {
  const zero = equal(den, scalar(0));
  const safe = where(zero, onesLike(den), den);
  return where(zero, fill([], NaN), div(num, safe));
}

/**
 * Negative log likelihood of class-index targets (`torch.nn.functional.nll_loss`):
 * −weight[t]·input[n, t], with `ignoreIndex` and K-dimensional inputs. `'mean'` divides by the
 * sum of the weights of the non-ignored targets.
 * @param input log-probabilities `[N, C]`, `[N, C, d1, …]` or `[C]`
 * @param target int32 class indices `[N]`, `[N, d1, …]` or `[]`
 * @example
 * ```ts
 * nllLoss(logSoftmax(logits, 1), tensor1d([0, 2], 'int32')); // logits: [2, C]
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLLossOptions = {}): Tensor {
  return nllImpl('nllLoss', input, target, opts.reduction ?? 'mean', opts.ignoreIndex ?? -100, opts.weight);
}

/**
 * `torch.nn.NLLLoss`; `weight` is a buffer (state_dict key `weight`).
 * @example
 * ```ts
 * const crit = new NLLLoss({ ignoreIndex: 0 });
 * crit.call(logProbs, target); // [N, C, H, W], [N, H, W] int32 → scalar
 * ```
 */
export class NLLLoss extends Loss {
  /** Class weight buffer `[C]`, or undefined. */
  readonly weight: Tensor | undefined;
  /** Ignored target value. */
  readonly ignoreIndex: number;
  constructor(opts: NLLLossOptions = {}) {
    super(opts.reduction);
    this.weight = this.optionalBuffer('weight', opts.weight);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  /** `input: [N, C, d…]` log-probabilities, `target: [N, d…]` int32 → scalar, or `[N, d…]` with `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return nllImpl(this.path(), input, target, this.reduction, this.ignoreIndex, this.weight);
  }
}
