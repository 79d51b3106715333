import { clone, mul, type Tensor } from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from '@nnkit/tensor';
import { Module } from '../../module.js';

/** Options for {@link GradientReversal}. */
export interface GradientReversalOptions {
  /** Gradient multiplier: backward returns `−alpha · dy`. Default `1.0`. */
  alpha?: number;
}

/**
 * Gradient reversal layer for domain-adversarial training (Ganin & Lempitsky), as in
 * `/shared/reference/eeg.py`: identity forward; backward multiplies the gradient by `−alpha`.
 * Any shape → same shape.
 *
 * @example
 * ```ts
 * const grl = new GradientReversal({ alpha: 0.5 });
 * const domainLogits = domainHead.call(grl.call(features));
 * ```
 */
export class GradientReversal extends Module {
  /** Gradient multiplier. */
  alpha: number;

  constructor(opts: GradientReversalOptions = {}) {
    super();
    this.alpha = opts.alpha ?? 1.0;
  }

  /** `x` → `x`; gradient `−alpha · dy`. */
  forward(x: Tensor): Tensor {
    const alpha = this.alpha;
    return unaryCustomGrad(x, (t) => ({ value: clone(t), save: [] }), (dy) => mul(dy, -alpha));
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}
