import {
  type Tensor,
  add,
  cast,
  div,
  equal,
  max,
  maximum,
  minimum,
  mul,
  pow,
  scalar,
  sign,
  sqrt,
  sub,
  sum,
  tidy,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { Loss, type LossOptions } from './loss.js';
import { LossShapeError, LossValueError, type Reduction, checkSameShape, fmt, reduce } from './validate.js';

/** Options of {@link cosineEmbeddingLoss} / {@link CosineEmbeddingLoss}. */
export interface CosineEmbeddingLossOptions extends LossOptions {
  /** Margin for dissimilar pairs, in [−1, 1]. Default `0`. */
  margin?: number;
}

/** Options of {@link tripletMarginLoss} / {@link TripletMarginLoss}. */
export interface TripletMarginLossOptions extends LossOptions {
  /** The margin. Default `1`. */
  margin?: number;
  /** Norm degree of the pairwise distance (> 0, `Infinity` allowed). Default `2`. */
  p?: number;
  /** Added to the difference before the norm, like PyTorch's `pairwise_distance`. Default `1e-6`. */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (distance swap). Default `false`. */
  swap?: boolean;
}

/** ‖x1 − x2 + eps‖_p over the last dimension (PyTorch's `pairwise_distance`). */
function pairwiseDistance(x1: Tensor, x2: Tensor, p: number, eps: number): Tensor {
  const d = add(sub(x1, x2), scalar(eps));
  const a = mul(d, sign(d)); // |d| with gradient sign(d)
  if (p === 2) return sqrt(sum(mul(d, d), -1));
  if (p === 1) return sum(a, -1);
  if (p === Infinity) return max(a, -1);
  return pow(sum(pow(a, scalar(p)), -1), scalar(1 / p));
}

/** Package-private (not exported from the package entry). */
export function cosineEmbeddingImpl(who: string, x1: Tensor, x2: Tensor, target: Tensor, reduction: Reduction, margin: number): Tensor {
  checkSameShape(who, x1, x2, 'input1', 'input2');
  if ((x1.rank !== 1 && x1.rank !== 2) || target.rank !== x1.rank - 1 || (x1.rank === 2 && target.shape[0] !== x1.shape[0])) {
    throw new LossShapeError(who, `inputs [N, D] with target [N], or inputs [D] with target [] (inputs ${fmt(x1.shape)})`, target.shape, 'target shape');
  }
  return tidy(() => {
    const a = cast(x1, 'float32');
    const b = cast(x2, 'float32');
    const t = cast(target, 'float32');
    const prod = sum(mul(a, b), -1);
    const m1 = add(sum(mul(a, a), -1), scalar(1e-12));
    const m2 = add(sum(mul(b, b), -1), scalar(1e-12));
    const cos = div(prod, sqrt(mul(m1, m2)));
    const zeros = zerosLike(cos);
    const pos = where(equal(t, scalar(1)), sub(scalar(1), cos), zeros);
    const neg = where(equal(t, scalar(-1)), maximum(sub(cos, scalar(margin)), scalar(0)), zeros);
    return reduce(who, add(pos, neg), reduction);
  });
}

/** Package-private (not exported from the package entry). */
export function tripletImpl(
  who: string,
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  reduction: Reduction,
  margin: number,
  p: number,
  eps: number,
  swap: boolean,
): Tensor {
  if (!(p > 0)) throw new LossValueError(who, `p must be > 0, got ${p}`);
  if (anchor.rank !== positive.rank || anchor.rank !== negative.rank || (anchor.rank !== 1 && anchor.rank !== 2)) {
    throw new LossShapeError(
      who,
      `anchor, positive and negative all [N, D] or all [D] (anchor ${fmt(anchor.shape)}, positive ${fmt(positive.shape)})`,
      negative.shape,
      'negative shape',
    );
  }
  checkSameShape(who, anchor, positive, 'anchor', 'positive');
  checkSameShape(who, anchor, negative, 'anchor', 'negative');
  return tidy(() => {
    const a = cast(anchor, 'float32');
    const pos = cast(positive, 'float32');
    const neg = cast(negative, 'float32');
    const dPos = pairwiseDistance(a, pos, p, eps);
    let dNeg = pairwiseDistance(a, neg, p, eps);
    if (swap) dNeg = minimum(dNeg, pairwiseDistance(pos, neg, p, eps));
    return reduce(who, maximum(sub(add(dPos, scalar(margin)), dNeg), scalar(0)), reduction);
  });
}

/**
 * Cosine embedding loss (`torch.nn.functional.cosine_embedding_loss`): 1 − cos(x1, x2) where
 * y = 1, max(0, cos(x1, x2) − margin) where y = −1 (PyTorch adds 1e-12 to each squared norm).
 * @param input1 `[N, D]` or `[D]`; @param input2 same shape; @param target `[N]` or `[]`, ±1
 * @returns scalar, or `[N]` with `reduction: 'none'`
 * @example
 * ```ts
 * cosineEmbeddingLoss(e1, e2, tensor1d([1, -1]), { margin: 0.2 }); // e1, e2: [2, D]
 * ```
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: CosineEmbeddingLossOptions = {}): Tensor {
  return cosineEmbeddingImpl('cosineEmbeddingLoss', input1, input2, target, opts.reduction ?? 'mean', opts.margin ?? 0);
}

/**
 * Triplet margin loss (`torch.nn.functional.triplet_margin_loss`):
 * max(0, d(a, p) − d(a, n) + margin) with d(x, y) = ‖x − y + eps‖_p.
 * @param anchor `[N, D]` or `[D]`; @param positive same; @param negative same
 * @returns scalar, or `[N]` with `reduction: 'none'`
 * @example
 * ```ts
 * tripletMarginLoss(a, p, n, { margin: 0.5, swap: true }); // [N, D] each
 * ```
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletMarginLossOptions = {}): Tensor {
  return tripletImpl('tripletMarginLoss', anchor, positive, negative, opts.reduction ?? 'mean', opts.margin ?? 1, opts.p ?? 2, opts.eps ?? 1e-6, opts.swap ?? false);
}

/**
 * `torch.nn.CosineEmbeddingLoss(margin)`; called with `(input1, input2, target)`.
 * @example
 * ```ts
 * new CosineEmbeddingLoss({ margin: 0.5 }).call(e1, e2, y); // [N, D], [N, D], [N] → scalar
 * ```
 */
export class CosineEmbeddingLoss extends Loss {
  /** The margin. */
  readonly margin: number;
  constructor(opts: CosineEmbeddingLossOptions = {}) {
    super(opts.reduction);
    this.margin = opts.margin ?? 0;
  }
  /** `input1: [N, D]`, `input2: [N, D]`, `target: [N]` (±1) → scalar, or `[N]` with `'none'`. */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingImpl(this.path(), input1, input2, target, this.reduction, this.margin);
  }
}

/**
 * `torch.nn.TripletMarginLoss(margin, p, eps, swap)`; called with `(anchor, positive, negative)`.
 * @example
 * ```ts
 * new TripletMarginLoss({ margin: 1, p: 2 }).call(a, p, n); // [N, D] each → scalar
 * ```
 */
export class TripletMarginLoss extends Loss {
  /** The margin. */
  readonly margin: number;
  /** Norm degree. */
  readonly p: number;
  /** Added to differences before the norm. */
  readonly eps: number;
  /** Distance swap. */
  readonly swap: boolean;
  constructor(opts: TripletMarginLossOptions = {}) {
    super(opts.reduction);
    this.margin = opts.margin ?? 1;
    this.p = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.swap = opts.swap ?? false;
  }
  /** `anchor, positive, negative: [N, D]` → scalar, or `[N]` with `'none'`. */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletImpl(this.path(), anchor, positive, negative, this.reduction, this.margin, this.p, this.eps, this.swap);
  }
}
