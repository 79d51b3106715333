import { type Tensor, add, cast, div, logSoftmax, mul, neg, reshape, scalar, sum, tidy, transpose } from '@tensorflow/tfjs-core';
import { checkIndexTarget, classRows } from './class-dim.js';
import { indexCrossEntropy } from './index-cross-entropy.js';
import { Loss } from './loss.js';
import { type NLLLossOptions, nllRows, weightedMean } from './nll.js';
import { LossValueError, type Reduction, checkClassTargets, checkClassWeight, checkReduction } from './validate.js';

/** Options of {@link crossEntropy} / {@link CrossEntropyLoss}. */
export interface CrossEntropyLossOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. In [0, 1]. Default `0`. */
  labelSmoothing?: number;
}

function isProbTarget(input: Tensor, target: Tensor): boolean {
  return input.rank === target.rank && input.shape.every((d, i) => d === target.shape[i]);
}

/** Probability target `[N, C, d…]` as rows `[M, C]` (class dim last). */
function probRows(target: Tensor, C: number): Tensor {
  const t = cast(target, 'float32');
  if (t.rank <= 2) return reshape(t, [-1, C]);
  const perm = [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1];
  return reshape(transpose(t, perm), [-1, C]);
}

/** Package-private (not exported from the package entry). */
export function crossEntropyImpl(
  who: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  ignoreIndex: number,
  labelSmoothing: number,
  weight?: Tensor,
): Tensor {
  checkReduction(who, reduction);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new LossValueError(who, `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  return tidy(() => {
    const { rows, C, outShape } = classRows(who, input);
    checkClassWeight(who, weight, C);
    const w = weight ? cast(weight, 'float32') : undefined;
    if (isProbTarget(input, target) && target.dtype === 'float32') {
      const logp = logSoftmax(rows, -1);
      if (ignoreIndex >= 0) throw new LossValueError(who, `ignoreIndex is not supported with class-probability targets`);
      let t = probRows(target, C);
      if (labelSmoothing > 0) t = add(mul(t, scalar(1 - labelSmoothing)), scalar(labelSmoothing / C));
      const prod = w ? mul(mul(logp, t), w) : mul(logp, t);
      const per = neg(sum(prod, -1));
      if (reduction === 'none') return reshape(per, outShape);
      if (reduction === 'sum') return sum(per);
      return div(sum(per), scalar(per.size));
    }
    checkIndexTarget(who, input, target, outShape);
    const targets = checkClassTargets(who, target, C, ignoreIndex);
    const fused = w ? null : indexCrossEntropy(rows, targets, ignoreIndex, labelSmoothing, reduction);
    if (fused) return reduction === 'none' ? reshape(fused, outShape) : fused;
    const logp = logSoftmax(rows, -1);
    const r = nllRows(logp, C, target, ignoreIndex, w);
    let nll: Tensor = reduction === 'none' ? r.loss : reduction === 'sum' ? sum(r.loss) : weightedMean(sum(r.loss), sum(r.w));
    if (labelSmoothing > 0) {
      const smooth = mul(neg(sum(w ? mul(logp, w) : logp, -1)), r.valid);
      const s = reduction === 'none' ? smooth : reduction === 'sum' ? sum(smooth) : weightedMean(sum(smooth), w ? sum(r.w) : sum(r.valid));
      nll = add(mul(nll, scalar(1 - labelSmoothing)), mul(s, scalar(labelSmoothing / C)));
    }
    return reduction === 'none' ? reshape(nll, outShape) : nll;
  });
}

/**
 * Cross entropy between logits and targets (`torch.nn.functional.cross_entropy`): log-softmax
 * over the class dimension (dim 1) followed by NLL. Targets are class indices (int32 `[N, d…]`,
 * with `weight`, `ignoreIndex`, `labelSmoothing`) or class probabilities (float32, same shape
 * as `input`).
 * @param input logits `[N, C]`, `[N, C, d1, …]` or `[C]`
 * @param target int32 `[N]` / `[N, d1, …]` / `[]`, or float32 probabilities shaped like `input`
 * @returns scalar, or `[N, d1, …]` with `reduction: 'none'`
 * @example
 * ```ts
 * crossEntropy(logits, tensor1d([2, 0, 1], 'int32'), { labelSmoothing: 0.1 }); // logits: [3, C]
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyLossOptions = {}): Tensor {
  return crossEntropyImpl(
    'crossEntropy',
    input,
    target,
    opts.reduction ?? 'mean',
    opts.ignoreIndex ?? -100,
    opts.labelSmoothing ?? 0,
    opts.weight,
  );
}

/**
 * `torch.nn.CrossEntropyLoss`; `weight` is a buffer (state_dict key `weight`).
 * @example
 * ```ts
 * const crit = new CrossEntropyLoss({ weight: tensor1d([1, 2, 1]), ignoreIndex: -1 });
 * crit.call(logits, labels); // [B, 3] float32, [B] int32 → scalar
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** Class weight buffer `[C]`, or undefined. */
  readonly weight: Tensor | undefined;
  /** Ignored target value. */
  readonly ignoreIndex: number;
  /** Label smoothing ε. */
  readonly labelSmoothing: number;
  constructor(opts: CrossEntropyLossOptions = {}) {
    super(opts.reduction);
    this.weight = this.optionalBuffer('weight', opts.weight);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  /** `input: [N, C, d…]` logits, `target: [N, d…]` int32 or `[N, C, d…]` probabilities → scalar or `[N, d…]`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropyImpl(this.path(), input, target, this.reduction, this.ignoreIndex, this.labelSmoothing, this.weight);
  }
}
