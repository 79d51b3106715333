import { type Tensor, cast, lessEqual, less, mul, scalar, sign, sub, tidy, where } from '@tensorflow/tfjs-core';
import { noGrad } from './detach.js';
import { Loss, type LossOptions } from './loss.js';
import { LossValueError, type Reduction, checkBroadcast, reduce } from './validate.js';

/** Options of {@link smoothL1Loss} / {@link SmoothL1Loss}. */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear; `0` gives the L1 loss. Default `1`. */
  beta?: number;
}

/** Options of {@link huberLoss} / {@link HuberLoss}. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear (> 0). Default `1`. */
  delta?: number;
}

function diff(who: string, input: Tensor, target: Tensor): Tensor {
  checkBroadcast(who, input, target);
  return sub(cast(input, 'float32'), cast(target, 'float32'));
}

/** |d| whose gradient is sign(d) (0 at 0), like PyTorch's abs backward. */
function absDiff(d: Tensor): Tensor {
  return mul(d, sign(d));
}

/** Package-private (not exported from the package entry). */
export function l1Impl(who: string, input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  return tidy(() => reduce(who, absDiff(diff(who, input, target)), reduction));
}

/** Package-private (not exported from the package entry). */
export function mseImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  return tidy(() => {
    const d = diff(who, input, target);
    return reduce(who, mul(d, d), reduction);
  });
}

/** Package-private (not exported from the package entry). */
export function smoothL1Impl(who: string, input: Tensor, target: Tensor, reduction: Reduction, beta: number): Tensor {
  if (!(beta >= 0)) throw new LossValueError(who, `beta must be >= 0, got ${beta}`);
  if (beta === 0) return l1Impl(who, input, target, reduction);
  return tidy(() => {
    const d = diff(who, input, target);
    const z = absDiff(d);
    const quad = mul(mul(d, d), 0.5 / beta);
    const lin = sub(z, scalar(0.5 * beta));
    return reduce(who, where(noGrad(z, (v) => less(v, scalar(beta))), quad, lin), reduction);
  });
}

/** Package-private (not exported from the package entry). */
export function huberImpl(who: string, input: Tensor, target: Tensor, reduction: Reduction, delta: number): Tensor {
  if (!(delta > 0)) throw new LossValueError(who, `delta must be > 0, got ${delta}`);
  return tidy(() => {
    const d = diff(who, input, target);
    const z = absDiff(d);
    const quad = mul(mul(d, d), 0.5);
    const lin = mul(sub(z, scalar(0.5 * delta)), delta);
    return reduce(who, where(noGrad(z, (v) => lessEqual(v, scalar(delta))), quad, lin), reduction);
  });
}

/**
 * Mean absolute error |input − target| (`torch.nn.functional.l1_loss`); shapes broadcast.
 * @param input any shape, e.g. `[B, *]`
 * @param target same shape as `input` (or broadcastable)
 * @returns a scalar, or the element-wise loss with `reduction: 'none'`
 * @example
 * ```ts
 * l1Loss(tensor1d([1, 2]), tensor1d([0, 4])); // 1.5
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  return l1Impl('l1Loss', input, target, opts.reduction ?? 'mean');
}

/**
 * Mean squared error (input − target)² (`torch.nn.functional.mse_loss`); shapes broadcast.
 * @param input any shape `[*]`; @param target same shape as `input`
 * @example
 * ```ts
 * mseLoss(tensor1d([1, 2]), tensor1d([0, 4])); // 2.5
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  return mseImpl('mseLoss', input, target, opts.reduction ?? 'mean');
}

/**
 * Smooth L1 loss (`torch.nn.functional.smooth_l1_loss`): 0.5·d²/β where |d| < β, else |d| − 0.5·β;
 * β = 0 is the L1 loss.
 * @param input `[*]`; @param target same shape
 * @example
 * ```ts
 * smoothL1Loss(tensor1d([0.5, 3]), zeros([2]), { beta: 1 }); // (0.125 + 2.5) / 2
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1LossOptions = {}): Tensor {
  return smoothL1Impl('smoothL1Loss', input, target, opts.reduction ?? 'mean', opts.beta ?? 1);
}

/**
 * Huber loss (`torch.nn.functional.huber_loss`): 0.5·d² where |d| ≤ δ, else δ·(|d| − 0.5·δ).
 * @param input `[*]`; @param target same shape
 * @example
 * ```ts
 * huberLoss(tensor1d([0.5, 3]), zeros([2]), { delta: 2 }); // (0.125 + 4) / 2
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberLossOptions = {}): Tensor {
  return huberImpl('huberLoss', input, target, opts.reduction ?? 'mean', opts.delta ?? 1);
}

/**
 * `torch.nn.L1Loss`: mean absolute error.
 * @example
 * ```ts
 * const crit = new L1Loss();
 * crit.call(pred, target); // scalar; pred, target: [B, *]
 * ```
 */
export class L1Loss extends Loss {
  constructor(opts: LossOptions = {}) {
    super(opts.reduction);
  }
  /** `input: [*]`, `target: [*]` (same shape) → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Impl(this.path(), input, target, this.reduction);
  }
}

/**
 * `torch.nn.MSELoss`: mean squared error.
 * @example
 * ```ts
 * new MSELoss({ reduction: 'sum' }).call(pred, target); // pred, target: [B, *]
 * ```
 */
export class MSELoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super(opts.reduction);
  }
  /** `input: [*]`, `target: [*]` → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseImpl(this.path(), input, target, this.reduction);
  }
}

/**
 * `torch.nn.SmoothL1Loss(beta)`.
 * @example
 * ```ts
 * new SmoothL1Loss({ beta: 0.5 }).call(pred, target); // pred, target: [B, *]
 * ```
 */
export class SmoothL1Loss extends Loss {
  /** Quadratic-to-linear threshold. */
  readonly beta: number;
  constructor(opts: SmoothL1LossOptions = {}) {
    super(opts.reduction);
    this.beta = opts.beta ?? 1;
    if (!(this.beta >= 0)) throw new LossValueError(this.path(), `beta must be >= 0, got ${this.beta}`);
  }
  /** `input: [*]`, `target: [*]` → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Impl(this.path(), input, target, this.reduction, this.beta);
  }
}

/**
 * `torch.nn.HuberLoss(delta)`.
 * @example
 * ```ts
 * new HuberLoss({ delta: 2 }).call(pred, target); // pred, target: [B, *]
 * ```
 */
export class HuberLoss extends Loss {
  /** Quadratic-to-linear threshold. */
  readonly delta: number;
  constructor(opts: HuberLossOptions = {}) {
    super(opts.reduction);
    this.delta = opts.delta ?? 1;
    if (!(this.delta > 0)) throw new LossValueError(this.path(), `delta must be > 0, got ${this.delta}`);
  }
  /** `input: [*]`, `target: [*]` → scalar, or `[*]` with `reduction: 'none'`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return huberImpl(this.path(), input, target, this.reduction, this.delta);
  }
}
