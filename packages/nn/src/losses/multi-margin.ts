import {
  type Tensor,
  add,
  cast,
  cumsum,
  div,
  equal,
  expandDims,
  gather,
  mean,
  mul,
  relu,
  reshape,
  scalar,
  sub,
  sum,
  tidy,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { Loss, type LossOptions } from './loss.js';
import { oneHotF } from './one-hot.js';
import { LossShapeError, LossValueError, type Reduction, checkClassTargets, checkClassWeight, checkReduction, fmt } from './validate.js';

/** Options of {@link multiMarginLoss} / {@link MultiMarginLoss}. */
export interface MultiMarginLossOptions extends LossOptions {
  /** Exponent of the hinge, 1 or 2. Default `1`. */
  p?: 1 | 2;
  /** The margin. Default `1`. */
  margin?: number;
  /** Weight of each class `[C]`, applied by the target class. */
  weight?: Tensor;
}

function reduceRows(who: string, perRow: Tensor, reduction: Reduction, unbatched: boolean): Tensor {
  checkReduction(who, reduction);
  if (reduction === 'mean') return mean(perRow);
  if (reduction === 'sum') return sum(perRow);
  return unbatched ? reshape(perRow, []) : perRow;
}

function rows(who: string, input: Tensor): Tensor {
  if (input.rank !== 1 && input.rank !== 2) throw new LossShapeError(who, 'input of shape [N, C] or [C]', input.shape);
  return input.rank === 1 ? reshape(cast(input, 'float32'), [1, -1]) : cast(input, 'float32');
}

/** Package-private (not exported from the package entry). */
export function multiMarginImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction, p: number, margin: number, weight?: Tensor): Tensor {
  if (p !== 1 && p !== 2) throw new LossValueError(who, `only p = 1 and p = 2 are supported, got ${p}`);
  return tidy(() => {
    const x = rows(who, input);
    const [N, C] = x.shape as [number, number];
    if (target.size !== N || target.rank !== input.rank - 1) {
      throw new LossShapeError(who, `target of shape ${fmt(input.shape.slice(0, -1))} for input ${fmt(input.shape)}`, target.shape, 'target shape');
    }
    checkClassWeight(who, weight, C);
    checkClassTargets(who, target, C, null);
    const t = cast(reshape(target, [-1]), 'int32');
    const oh = oneHotF(t, C);
    const xy = sum(mul(x, oh), -1, true);
    let h = relu(add(sub(scalar(margin), xy), x));
    if (p === 2) h = mul(h, h);
    h = mul(h, sub(scalar(1), oh));
    if (weight) h = mul(h, expandDims(gather(cast(weight, 'float32'), t), 1));
    return reduceRows(who, div(sum(h, -1), scalar(C)), reduction, input.rank === 1);
  });
}

/** Package-private (not exported from the package entry). */
export function multilabelMarginImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  return tidy(() => {
    const x = rows(who, input);
    const C = x.shape[1]!;
    if (target.rank !== input.rank || target.shape.some((d, i) => d !== input.shape[i])) {
      throw new LossShapeError(who, `target of the same shape as input ${fmt(input.shape)} (class indices padded with -1)`, target.shape, 'target shape');
    }
    const tv = target.dataSync() as ArrayLike<number>;
    for (let n = 0; n < tv.length / C; n++) {
      for (let k = 0; k < C; k++) {
        const v = tv[n * C + k]!;
        if (v === -1) break;
        if (!(v >= 0 && v < C) || Math.floor(v) !== v) {
          throw new LossValueError(who, `target ${v} at [${n}, ${k}] is out of range: expected a class index in [0, ${C}) or -1 (end of list)`);
        }
      }
    }
    const t = reshape(cast(target, 'int32'), [-1, C]);
    const isEnd = cast(equal(t, scalar(-1, 'int32')), 'float32');
    const inList = equal(cumsum(isEnd, 1), scalar(0));
    const safe = where(inList, t, zerosLike(t));
    // count[n, j]: how often class j is listed for sample n (before the first -1).
    const count = sum(mul(oneHotF(safe, C), expandDims(cast(inList, 'float32'), 2)), 1);
    const notTarget = cast(equal(count, scalar(0)), 'float32');
    // z[n, j, i] = 1 − x[n, j] + x[n, i] for listed j and non-target i.
    const z = relu(add(sub(scalar(1), expandDims(x, 2)), expandDims(x, 1)));
    const h = mul(mul(z, expandDims(count, 2)), expandDims(notTarget, 1));
    return reduceRows(who, div(sum(h, [1, 2]), scalar(C)), reduction, input.rank === 1);
  });
}

/**
 * Multi-class hinge (`torch.nn.functional.multi_margin_loss`): Σ_{j≠y} max(0, margin − x[y] + x[j])^p / C,
 * times `weight[y]`.
 * @param input scores `[N, C]` or `[C]`; @param target int32 class indices `[N]` or `[]`
 * @returns scalar, or `[N]` with `reduction: 'none'`
 * @example
 * ```ts
 * multiMarginLoss(scores, tensor1d([3, 0], 'int32'), { p: 2, margin: 0.5 }); // scores: [2, C]
 * ```
 */
export function multiMarginLoss(input: Tensor, target: Tensor, opts: MultiMarginLossOptions = {}): Tensor {
  return multiMarginImpl('multiMarginLoss', input, target, opts.reduction ?? 'mean', opts.p ?? 1, opts.margin ?? 1, opts.weight);
}

/**
 * Multi-label hinge (`torch.nn.functional.multilabel_margin_loss`): for each listed class j and
 * each non-listed class i, max(0, 1 − (x[j] − x[i])), summed and divided by C. The target lists
 * class indices and ends at the first −1.
 * @param input `[N, C]` or `[C]`; @param target int32, same shape, e.g. `[[3, 0, -1, 1]]`
 * @returns scalar, or `[N]` with `reduction: 'none'`
 * @example
 * ```ts
 * multilabelMarginLoss(tensor2d([[0.1, 0.2, 0.4, 0.8]]), tensor2d([[3, 0, -1, 1]], undefined, 'int32')); // 0.85
 * ```
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  return multilabelMarginImpl('multilabelMarginLoss', input, target, opts.reduction ?? 'mean');
}

/**
 * `torch.nn.MultiMarginLoss(p, margin, weight)`; `weight` is a buffer (state_dict key `weight`).
 * @example
 * ```ts
 * new MultiMarginLoss({ p: 2 }).call(scores, labels); // [N, C], [N] int32 → scalar
 * ```
 */
export class MultiMarginLoss extends Loss {
  /** Hinge exponent. */
  readonly p: 1 | 2;
  /** The margin. */
  readonly margin: number;
  /** Class weight buffer `[C]`, or undefined. */
  readonly weight: Tensor | undefined;
  constructor(opts: MultiMarginLossOptions = {}) {
    super(opts.reduction);
    this.p = opts.p ?? 1;
    if (this.p !== 1 && this.p !== 2) throw new LossValueError(this.path(), `only p = 1 and p = 2 are supported, got ${String(this.p)}`);
    this.margin = opts.margin ?? 1;
    this.weight = this.optionalBuffer('weight', opts.weight);
  }
  /** `input: [N, C]`, `target: [N]` int32 → scalar, or `[N]` with `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginImpl(this.path(), input, target, this.reduction, this.p, this.margin, this.weight);
  }
}

/**
 * `torch.nn.MultiLabelMarginLoss`.
 * @example
 * ```ts
 * new MultiLabelMarginLoss().call(scores, labels); // [N, C], [N, C] int32 (−1 padded) → scalar
 * ```
 */
export class MultiLabelMarginLoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super(opts.reduction);
  }
  /** `input: [N, C]`, `target: [N, C]` int32 → scalar, or `[N]` with `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginImpl(this.path(), input, target, this.reduction);
  }
}
