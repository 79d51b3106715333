import { type Tensor, zeros } from '@tensorflow/tfjs-core';
import { linear, ArgumentError } from '@nnkit/tensor';
import { Module } from '../../module.js';
import { Parameter } from '../../parameter.js';
import { ShapeError } from '../../errors.js';
import { kaimingUniform_ } from '../../init/xavier-kaiming.js';
import { uniform_ } from '../../init/simple.js';
import { calculateFanInAndFanOut } from '../../init/fan.js';
import { checkFloatInput } from '../float-input.js';

/** Options for {@link Linear}. */
export interface LinearOptions {
  /** Learn an additive bias. Default `true`. */
  bias?: boolean;
}

/**
 * Fully connected layer `y = x Wᵀ + b`, like `torch.nn.Linear`. Weight `[outFeatures, inFeatures]`
 * (state_dict keys `weight`, `bias`), initialised as PyTorch: kaiming_uniform(a=√5), bias U(±1/√in).
 *
 * Input `x: [*, inFeatures]` → output `[*, outFeatures]` (any number of leading dims).
 *
 * @example
 * ```ts
 * const fc = new Linear(4, 3);
 * fc.call(ones([2, 4])).shape; // [2, 3]
 * const noBias = new Linear(16, 8, { bias: false });
 * ```
 */
export class Linear extends Module {
  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** `[outFeatures, inFeatures]`. */
  readonly weight: Parameter;
  /** `[outFeatures]`, or `null` with `bias: false`. */
  readonly bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [n, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ArgumentError(this.constructor.name, `${n} must be a non-negative integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', new Parameter(zeros([outFeatures, inFeatures])));
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(zeros([outFeatures])));
    this.resetParameters();
  }

  /** Re-initialises weight and bias as `torch.nn.Linear.reset_parameters` (global RNG). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight.shape);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** The weight actually used by `forward` (subclasses may constrain it first). */
  protected effectiveWeight(): Tensor {
    return this.weight.data;
  }

  /**
   * The weight `[outFeatures, inFeatures]` and bias `[outFeatures]` (or null) that `forward` would
   * use now (any constraint applied), for ops that fold the layer into a larger one; null when the
   * layer has hooks (they would be skipped).
   * @example
   * ```ts
   * const head = new Linear(12, 4);
   * head.asLinear()?.weight.shape; // [4, 12]
   * ```
   */
  asLinear(): { weight: Tensor; bias: Tensor | null } | null {
    if (this.hasHooks()) return null;
    return { weight: this.effectiveWeight(), bias: this.bias ? this.bias.data : null };
  }

  /** `x: [*, inFeatures]` → `[*, outFeatures]`. */
  forward(x: Tensor): Tensor {
    checkFloatInput(this, x);
    const last = x.shape[x.rank - 1];
    if (x.rank < 1 || last !== this.inFeatures) {
      throw new ShapeError(this.path(), `[*, ${this.inFeatures}] (last dim in_features=${this.inFeatures})`, x.shape);
    }
    return linear(x, this.effectiveWeight(), this.bias ? this.bias.data : null);
  }

  /** Multiply-adds of one forward pass: `∏(outputShape) · inFeatures`. */
  multAdds(_inputShape: number[], outputShape: number[]): number {
    return outputShape.reduce((a, b) => a * b, 1) * this.inFeatures;
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
