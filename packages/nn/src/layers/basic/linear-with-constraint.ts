import type { Tensor } from '@tensorflow/tfjs-core';
import { maxNorm_ } from './max-norm.js';
import { Linear, type LinearOptions } from './linear.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options for {@link LinearWithConstraint}. */
export interface LinearWithConstraintOptions extends LinearOptions {
  /** Largest L2 norm each weight row (output unit) may have. Default `1.0`. */
  maxNorm?: number;
}

/**
 * {@link Linear} whose weight rows are renormalised in place to L2 norm ≤ `maxNorm` before each
 * forward (`torch.renorm(w, 2, 0, maxNorm)`), like `LinearWithConstraint` of the EEGNet
 * reference (`/shared/reference/eeg.py`). Same state_dict keys as `Linear`.
 *
 * Input `x: [*, inFeatures]` → `[*, outFeatures]`.
 *
 * @example
 * ```ts
 * const head = new LinearWithConstraint(16 * 4, 4, { maxNorm: 0.25 });
 * head.call(feats).shape; // [B, 4]
 * ```
 */
export class LinearWithConstraint extends Linear {
  /** Max L2 norm of each weight row. */
  readonly maxNorm: number;

  constructor(inFeatures: number, outFeatures: number, opts: LinearWithConstraintOptions = {}) {
    super(inFeatures, outFeatures, opts.bias === undefined ? {} : { bias: opts.bias });
    this.maxNorm = opts.maxNorm ?? 1.0;
    if (!(this.maxNorm > 0)) throw new ArgumentError('LinearWithConstraint', `maxNorm must be > 0, got ${this.maxNorm}`);
  }

  protected override effectiveWeight(): Tensor {
    // In place, as PyTorch's `self.weight.data = torch.renorm(...)`: not part of the gradient.
    maxNorm_(this.weight, this.maxNorm);
    return this.weight.data;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, max_norm=${this.maxNorm}`;
  }
}
