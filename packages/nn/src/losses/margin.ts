import { type Tensor, add, cast, exp, log1p, maximum, mul, neg, notEqual, scalar, sub, tidy, where, zerosLike } from '@tensorflow/tfjs-core';
import { Loss, type LossOptions } from './loss.js';
import { LossShapeError, type Reduction, checkBroadcast, fmt, reduce } from './validate.js';

/** Options of the margin losses ({@link marginRankingLoss}, {@link hingeEmbeddingLoss}). */
export interface MarginLossOptions extends LossOptions {
  /** The margin. Default `0` for ranking, `1` for hinge embedding. */
  margin?: number;
}

/** Package-private (not exported from the package entry). */
export function marginRankingImpl(who: string, x1: Tensor, x2: Tensor, target: Tensor, reduction: Reduction, margin: number): Tensor {
  if (x1.rank !== x2.rank || x1.rank !== target.rank) {
    throw new LossShapeError(who, `input1, input2 and target of the same rank (input1 ${fmt(x1.shape)}, input2 ${fmt(x2.shape)})`, target.shape, 'target shape');
  }
  checkBroadcast(who, x1, x2, 'input1', 'input2');
  checkBroadcast(who, x1, target, 'input1', 'target');
  return tidy(() => {
    const z = add(mul(neg(cast(target, 'float32')), sub(cast(x1, 'float32'), cast(x2, 'float32'))), scalar(margin));
    return reduce(who, maximum(z, scalar(0)), reduction);
  });
}

/** Package-private (not exported from the package entry). */
export function hingeEmbeddingImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction, margin: number): Tensor {
  checkBroadcast(who, input, target);
  return tidy(() => {
    const x = cast(input, 'float32');
    const t = cast(target, 'float32');
    const clamp = maximum(sub(scalar(margin), x), scalar(0));
    const zeros = zerosLike(clamp);
    const out = add(where(notEqual(t, scalar(1)), clamp, zeros), where(notEqual(t, scalar(-1)), add(x, zeros), zeros));
    return reduce(who, out, reduction);
  });
}

/** Package-private (not exported from the package entry). */
export function softMarginImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  checkBroadcast(who, input, target);
  return tidy(() => reduce(who, log1p(exp(neg(mul(cast(input, 'float32'), cast(target, 'float32'))))), reduction));
}

/**
 * Ranking hinge (`torch.nn.functional.margin_ranking_loss`): max(0, −y·(x1 − x2) + margin).
 * @param input1 `[N]` (or `[]`); @param input2 same; @param target `[N]` of ±1
 * @example
 * ```ts
 * marginRankingLoss(scoresA, scoresB, tensor1d([1, -1, 1]), { margin: 0.5 }); // [3] each
 * ```
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginLossOptions = {}): Tensor {
  return marginRankingImpl('marginRankingLoss', input1, input2, target, opts.reduction ?? 'mean', opts.margin ?? 0);
}

/**
 * Hinge embedding loss (`torch.nn.functional.hinge_embedding_loss`): x where y = 1,
 * max(0, margin − x) where y = −1.
 * @param input distances `[*]`; @param target same shape, ±1
 * @example
 * ```ts
 * hingeEmbeddingLoss(dist, tensor1d([1, -1]), { margin: 2 }); // dist: [2]
 * ```
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: MarginLossOptions = {}): Tensor {
  return hingeEmbeddingImpl('hingeEmbeddingLoss', input, target, opts.reduction ?? 'mean', opts.margin ?? 1);
}

/**
 * Two-class logistic loss (`torch.nn.functional.soft_margin_loss`): log(1 + exp(−y·x)),
 * averaged over all elements.
 * @param input `[*]`; @param target same shape, ±1
 * @example
 * ```ts
 * softMarginLoss(scores, labels); // [B, C] each
 * ```
 */
export function softMarginLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  return softMarginImpl('softMarginLoss', input, target, opts.reduction ?? 'mean');
}

/**
 * `torch.nn.MarginRankingLoss(margin)`; called with `(input1, input2, target)`.
 * @example
 * ```ts
 * new MarginRankingLoss({ margin: 0.1 }).call(a, b, y); // [N] each → scalar
 * ```
 */
export class MarginRankingLoss extends Loss {
  /** The margin. */
  readonly margin: number;
  constructor(opts: MarginLossOptions = {}) {
    super(opts.reduction);
    this.margin = opts.margin ?? 0;
  }
  /** `input1: [N]`, `input2: [N]`, `target: [N]` (±1) → scalar, or `[N]` with `'none'`. */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingImpl(this.path(), input1, input2, target, this.reduction, this.margin);
  }
}

/**
 * `torch.nn.HingeEmbeddingLoss(margin)`.
 * @example
 * ```ts
 * new HingeEmbeddingLoss({ margin: 1 }).call(dist, y); // [*] each → scalar
 * ```
 */
export class HingeEmbeddingLoss extends Loss {
  /** The margin. */
  readonly margin: number;
  constructor(opts: MarginLossOptions = {}) {
    super(opts.reduction);
    this.margin = opts.margin ?? 1;
  }
  /** `input: [*]`, `target: [*]` (±1) → scalar, or `[*]` with `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingImpl(this.path(), input, target, this.reduction, this.margin);
  }
}

/**
 * `torch.nn.SoftMarginLoss`.
 * @example
 * ```ts
 * new SoftMarginLoss().call(scores, labels); // [*] each → scalar
 * ```
 */
export class SoftMarginLoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super(opts.reduction);
  }
  /** `input: [*]`, `target: [*]` (±1) → scalar, or `[*]` with `'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return softMarginImpl(this.path(), input, target, this.reduction);
  }
}
