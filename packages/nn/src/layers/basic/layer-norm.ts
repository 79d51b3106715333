import { add, cast, moments, mul, ones, rsqrt, sub, type Tensor, zeros } from '@tensorflow/tfjs-core';
import { Module } from '../../module.js';
import { Parameter } from '../../parameter.js';
import { ShapeError } from '../../errors.js';
import { ArgumentError } from '@nnkit/tensor';
import { checkFloatInput } from '../float-input.js';

/** Options for {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance. Default `1e-5`. */
  eps?: number;
  /** Learnable `weight` (ones) and `bias` (zeros) of shape `normalizedShape`. Default `true`. */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims, like `torch.nn.LayerNorm`
 * (biased variance; same in train and eval mode).
 *
 * Input `x: [*, ...normalizedShape]` → same shape.
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(64);              // tokens [B, N, 64]
 * const ln2 = new LayerNorm([4, 6], { elementwiseAffine: false });
 * ln.call(tokens).shape; // [B, N, 64]
 * ```
 */
export class LayerNorm extends Module {
  /** Trailing shape normalised over. */
  readonly normalizedShape: number[];
  /** Variance epsilon. */
  readonly eps: number;
  /** Whether `weight`/`bias` exist. */
  readonly elementwiseAffine: boolean;
  /** γ of shape `normalizedShape`, or `null`. */
  readonly weight: Parameter | null;
  /** β of shape `normalizedShape`, or `null`. */
  readonly bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ArgumentError('LayerNorm', `normalizedShape must hold positive integers, got [${this.normalizedShape.join(', ')}]`);
    }
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const aff = this.elementwiseAffine;
    this.weight = this.registerParameter('weight', aff ? new Parameter(ones(this.normalizedShape)) : null);
    this.bias = this.registerParameter('bias', aff ? new Parameter(zeros(this.normalizedShape)) : null);
  }

  /** `x: [*, ...normalizedShape]` → same shape. */
  forward(x: Tensor): Tensor {
    checkFloatInput(this, x);
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.rank - k);
    if (x.rank < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(this.path(), `[*, ${this.normalizedShape.join(', ')}]`, x.shape);
    }
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    const { mean, variance } = moments(xf, axes, true);
    let y = mul(sub(xf, mean), rsqrt(add(variance, this.eps)));
    if (this.weight) y = mul(y, this.weight.data);
    if (this.bias) y = add(y, this.bias.data);
    return y;
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${k1(this.normalizedShape)}), eps=${this.eps}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}

function k1(s: number[]): string {
  return s.length === 1 ? ',' : '';
}
