import { add, customGrad, elu, expm1, type GradSaveFunc, leakyRelu, minimum, mul, neg, relu, sigmoid, step, sub, tanh, type Tensor } from '@tensorflow/tfjs-core';
import { gelu, type GeluApproximate, logSoftmax, softmax, ArgumentError } from '@nnkit/tensor';
import { Module } from '../../module.js';

/** Element-wise `max(0, x)`, like `torch.nn.ReLU`. Any shape → same shape. @example `new ReLU().call(x)` */
export class ReLU extends Module {
  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * `x` for `x > 0`, else `alpha·(eˣ − 1)`, like `torch.nn.ELU(alpha)`. Any shape → same shape.
 *
 * @example
 * ```ts
 * new ELU().call(x);      // alpha = 1
 * new ELU(0.5).call(x);
 * ```
 */
export class ELU extends Module {
  /** Saturation value for negative inputs. */
  readonly alpha: number;

  constructor(alpha = 1.0) {
    super();
    this.alpha = alpha;
  }

  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    if (this.alpha === 1) return elu(x);
    // relu(x) + alpha·min(eˣ − 1, 0): differentiable everywhere tfjs needs (no comparison op on the tape).
    return add(relu(x), mul(minimum(expm1(x), 0), this.alpha));
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * `leakyRelu` as relu(x) − slope·relu(−x): the same values (exactly) from kernels that run at
 * memory speed on wasm, where tfjs's LeakyRelu kernel is ~9× slower (5.5 against 0.6 ns per
 * element); PyTorch's gradient, `dy` where x > 0 else `slope·dy` (also at 0), by `step`.
 */
function fastLeakyRelu(x: Tensor, slope: number): Tensor {
  const f = (v: Tensor, save: GradSaveFunc) => {
    save([v]);
    return { value: sub(relu(v), mul(relu(neg(v)), slope)), gradFunc: (dy: Tensor, [s]: Tensor[]) => mul(dy, step(s!, slope)) };
  };
  return customGrad(f as never)(x) as Tensor;
}

/**
 * `x` for `x ≥ 0`, else `negativeSlope·x`, like `torch.nn.LeakyReLU(negative_slope)`.
 *
 * @example
 * ```ts
 * new LeakyReLU(0.2).call(x); // default slope 0.01
 * ```
 */
export class LeakyReLU extends Module {
  /** Slope for negative inputs. */
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = negativeSlope;
  }

  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    if (x.dtype !== 'float32') return leakyRelu(x, this.negativeSlope);
    return fastLeakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/** Options for {@link GELU}. */
export interface GELUOptions {
  /** `'none'` (exact, erf; default) or `'tanh'` approximation. */
  approximate?: GeluApproximate;
}

/**
 * Gaussian error linear unit `x·Φ(x)`, like `torch.nn.GELU(approximate=...)`. Any shape → same shape.
 *
 * @example
 * ```ts
 * new GELU().call(x);
 * new GELU({ approximate: 'tanh' }).call(x);
 * ```
 */
export class GELU extends Module {
  /** Which formula is used. */
  readonly approximate: GeluApproximate;

  constructor(opts: GELUOptions = {}) {
    super();
    this.approximate = opts.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new ArgumentError('GELU', `approximate must be 'none' or 'tanh', got '${String(this.approximate)}'`);
    }
  }

  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** Element-wise logistic `1 / (1 + e⁻ˣ)`, like `torch.nn.Sigmoid`. @example `new Sigmoid().call(logits)` */
export class Sigmoid extends Module {
  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Element-wise hyperbolic tangent, like `torch.nn.Tanh`. @example `new Tanh().call(x)` */
export class Tanh extends Module {
  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** PyTorch's implicit softmax dim (legacy `dim=None`): 0 for 0-, 1- and 3-D inputs, else 1. */
function implicitDim(rank: number): number {
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
}

/**
 * Softmax along `dim` (negative allowed), like `torch.nn.Softmax(dim)`. Any shape → same shape.
 * Without `dim`, PyTorch's legacy implicit choice (0 for 0/1/3-D inputs, else 1) is used.
 *
 * @example
 * ```ts
 * new Softmax(-1).call(scores); // scores: [B, N, N]
 * ```
 */
export class Softmax extends Module {
  /** Dimension summing to 1, or `undefined` for the implicit one. */
  readonly dim: number | undefined;

  constructor(dim?: number) {
    super();
    this.dim = dim;
  }

  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim ?? implicitDim(x.rank));
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/**
 * Log-softmax along `dim` (negative allowed), like `torch.nn.LogSoftmax(dim)`.
 *
 * @example
 * ```ts
 * const logp = new LogSoftmax(1).call(logits); // logits: [B, classes]
 * ```
 */
export class LogSoftmax extends Module {
  /** Dimension normalised over, or `undefined` for the implicit one. */
  readonly dim: number | undefined;

  constructor(dim?: number) {
    super();
    this.dim = dim;
  }

  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim ?? implicitDim(x.rank));
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
