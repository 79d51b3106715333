import {
  type GradSaveFunc,
  type Tensor,
  abs,
  cast,
  customGrad,
  div,
  exp,
  log,
  log1p,
  maximum,
  mul,
  neg,
  relu,
  scalar,
  sigmoid,
  sub,
  add,
  tidy,
} from '@tensorflow/tfjs-core';
import { Loss, type LossOptions } from './loss.js';
import { type Reduction, checkBroadcastTo, checkSameShape, reduce } from './validate.js';

/** Options of {@link binaryCrossEntropy} / {@link BCELoss}. */
export interface BCELossOptions extends LossOptions {
  /** Rescaling weight of each element, broadcast to the input's shape. */
  weight?: Tensor;
}

/** Options of {@link binaryCrossEntropyWithLogits} / {@link BCEWithLogitsLoss}. */
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Weight of positive examples, broadcast along the last (class) dimension, e.g. `[C]`. */
  posWeight?: Tensor;
}

type Grad2 = (x: Tensor, t: Tensor, save: GradSaveFunc) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/** Package-private (not exported from the package entry). */
export function bceImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction, weight?: Tensor): Tensor {
  checkSameShape(who, input, target);
  checkBroadcastTo(who, weight, input.shape, 'weight');
  const logs = (x: Tensor): [Tensor, Tensor] => [maximum(log(x), scalar(-100)), maximum(log(sub(scalar(1), x)), scalar(-100))];
  const f: Grad2 = (x, t, save) => {
    save([x, t]);
    const [lx, l1x] = logs(x);
    let value = sub(mul(sub(t, scalar(1)), l1x), mul(t, lx));
    if (weight) value = mul(value, weight);
    return {
      value,
      gradFunc: (dy, [xs, ts]) => {
        const g = weight ? mul(dy, weight) : dy;
        // PyTorch: grad * (x - t) / max((1 - x) * x, 1e-12); target: grad * (log(1-x) - log(x)), both clamped.
        const den = maximum(mul(sub(scalar(1), xs!), xs!), scalar(1e-12));
        const gx = div(mul(g, sub(xs!, ts!)), den);
        const [lxs, l1xs] = logs(xs!);
        const gt = mul(g, sub(l1xs, lxs));
        return [gx, gt];
      },
    };
  };
  return tidy(() => reduce(who, customGrad(f as never)(cast(input, 'float32'), cast(target, 'float32')), reduction));
}

/** Package-private (not exported from the package entry). */
export function bceLogitsImpl(
  who: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  weight?: Tensor,
  posWeight?: Tensor,
): Tensor {
  checkSameShape(who, input, target);
  checkBroadcastTo(who, weight, input.shape, 'weight');
  checkBroadcastTo(who, posWeight, input.shape, 'posWeight');
  // softplus(-x) = max(-x, 0) + log1p(exp(-|x|)), stable for any x.
  const spNeg = (x: Tensor): Tensor => add(relu(neg(x)), log1p(exp(neg(abs(x)))));
  const f: Grad2 = (x, t, save) => {
    save([x, t]);
    const sp = spNeg(x);
    const oneMinusT = sub(scalar(1), t);
    let value = posWeight
      ? add(mul(oneMinusT, x), mul(add(mul(sub(posWeight, scalar(1)), t), scalar(1)), sp))
      : add(mul(oneMinusT, x), sp);
    if (weight) value = mul(value, weight);
    return {
      value,
      gradFunc: (dy, [xs, ts]) => {
        const g = weight ? mul(dy, weight) : dy;
        const s = sigmoid(xs!);
        if (posWeight) {
          const tpw = mul(posWeight, ts!);
          const gx = mul(g, sub(mul(add(tpw, sub(scalar(1), ts!)), s), tpw));
          const gt = mul(g, add(neg(xs!), mul(sub(posWeight, scalar(1)), spNeg(xs!))));
          return [gx, gt];
        }
        return [mul(g, sub(s, ts!)), mul(g, neg(xs!))];
      },
    };
  };
  return tidy(() => reduce(who, customGrad(f as never)(cast(input, 'float32'), cast(target, 'float32')), reduction));
}

/**
 * Binary cross entropy between probabilities and targets (`torch.nn.functional.binary_cross_entropy`):
 * −w·(t·log x + (1−t)·log(1−x)), each log clamped at −100 like PyTorch (so x = 0 or 1 stays finite).
 * @param input probabilities in [0, 1], any shape `[*]`
 * @param target same shape as `input`, values in [0, 1]
 * @example
 * ```ts
 * binaryCrossEntropy(sigmoid(logits), labels); // logits, labels: [B, C]
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCELossOptions = {}): Tensor {
  return bceImpl('binaryCrossEntropy', input, target, opts.reduction ?? 'mean', opts.weight);
}

/**
 * Sigmoid + binary cross entropy in one numerically stable step
 * (`torch.nn.functional.binary_cross_entropy_with_logits`), with optional `weight` and `posWeight`.
 * @param input logits `[*]`, e.g. `[B, C]`
 * @param target same shape, values in [0, 1]
 * @example
 * ```ts
 * binaryCrossEntropyWithLogits(logits, labels, { posWeight: tensor1d([3, 1, 1]) }); // [B, 3]
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BCEWithLogitsLossOptions = {}): Tensor {
  return bceLogitsImpl('binaryCrossEntropyWithLogits', input, target, opts.reduction ?? 'mean', opts.weight, opts.posWeight);
}

/**
 * `torch.nn.BCELoss`; `weight` is a buffer (state_dict key `weight`).
 * @example
 * ```ts
 * new BCELoss().call(sigmoid(logits), labels); // [B, *] → scalar
 * ```
 */
export class BCELoss extends Loss {
  /** Element weight buffer, or undefined. */
  readonly weight: Tensor | undefined;
  constructor(opts: BCELossOptions = {}) {
    super(opts.reduction);
    this.weight = this.optionalBuffer('weight', opts.weight);
  }
  /** `input: [*]` probabilities, `target: [*]` → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return bceImpl(this.path(), input, target, this.reduction, this.weight);
  }
}

/**
 * `torch.nn.BCEWithLogitsLoss`; `weight` and `posWeight` are buffers (`weight`, `pos_weight`).
 * @example
 * ```ts
 * new BCEWithLogitsLoss({ posWeight: ones([C]) }).call(logits, labels); // [B, C] → scalar
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  /** Element weight buffer, or undefined. */
  readonly weight: Tensor | undefined;
  /** Positive-class weight buffer, or undefined. */
  readonly posWeight: Tensor | undefined;
  constructor(opts: BCEWithLogitsLossOptions = {}) {
    super(opts.reduction);
    this.weight = this.optionalBuffer('weight', opts.weight);
    this.posWeight = this.optionalBuffer('pos_weight', opts.posWeight);
  }
  /** `input: [*]` logits, `target: [*]` → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return bceLogitsImpl(this.path(), input, target, this.reduction, this.weight, this.posWeight);
  }
}
