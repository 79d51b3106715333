import { type Tensor, add, cast, div, mean, mul, neg, scalar, sub, sum, tidy } from '@tensorflow/tfjs-core';
import { logSigmoidSafe as logSigmoid } from './log-sigmoid.js';
import { Loss, type LossOptions } from './loss.js';
import { LossShapeError, type Reduction, checkBroadcastTo, checkReduction, checkSameShape } from './validate.js';

/** Options of {@link multilabelSoftMarginLoss} / {@link MultiLabelSoftMarginLoss}. */
export interface MultiLabelSoftMarginLossOptions extends LossOptions {
  /** Weight of each class `[C]`. */
  weight?: Tensor;
}

/** Package-private (not exported from the package entry). */
export function multilabelSoftMarginImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction, weight?: Tensor): Tensor {
  checkReduction(who, reduction);
  if (input.rank !== 1 && input.rank !== 2) throw new LossShapeError(who, `input of shape [N, C] or [C]`, input.shape);
  checkSameShape(who, input, target);
  checkBroadcastTo(who, weight, input.shape, 'weight');
  return tidy(() => {
    const x = cast(input, 'float32');
    const t = cast(target, 'float32');
    let loss = neg(add(mul(t, logSigmoid(x)), mul(sub(scalar(1), t), logSigmoid(neg(x)))));
    if (weight) loss = mul(loss, cast(weight, 'float32'));
    const C = input.shape[input.rank - 1]!;
    const per = div(sum(loss, -1), scalar(C));
    if (reduction === 'mean') return mean(per);
    if (reduction === 'sum') return sum(per);
    return per;
  });
}

/**
 * One-vs-all logistic loss (`torch.nn.functional.multilabel_soft_margin_loss`): the mean over
 * classes of −(y·log σ(x) + (1 − y)·log σ(−x)), times `weight`.
 * @param input logits `[N, C]`; @param target 0/1 `[N, C]`
 * @returns scalar, or `[N]` with `reduction: 'none'`
 * @example
 * ```ts
 * multilabelSoftMarginLoss(logits, labels); // [N, C] each
 * ```
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, opts: MultiLabelSoftMarginLossOptions = {}): Tensor {
  return multilabelSoftMarginImpl('multilabelSoftMarginLoss', input, target, opts.reduction ?? 'mean', opts.weight);
}

/**
 * `torch.nn.MultiLabelSoftMarginLoss(weight)`; `weight` is a buffer (state_dict key `weight`).
 * @example
 * ```ts
 * new MultiLabelSoftMarginLoss().call(logits, labels); // [N, C] each → scalar
 * ```
 */
export class MultiLabelSoftMarginLoss extends Loss {
  /** Class weight buffer, or undefined. */
  readonly weight: Tensor | undefined;
  constructor(opts: MultiLabelSoftMarginLossOptions = {}) {
    super(opts.reduction);
    this.weight = this.optionalBuffer('weight', opts.weight);
  }
  /** `input: [N, C]`, `target: [N, C]` → scalar, or `[N]` with `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginImpl(this.path(), input, target, this.reduction, this.weight);
  }
}
