import { cast, type Tensor, type Variable, tidy, variable } from '@tensorflow/tfjs-core';
import { ShapeError } from '@nnkit/tensor';

let nextId = 0;

/** Options for {@link Parameter}. */
export interface ParameterOptions {
  /** Whether `backward()` computes a gradient for it and optimizers update it. Default `true`. */
  requiresGrad?: boolean;
}

/**
 * A trainable tensor owned by a module, like `torch.nn.Parameter`. Holds its value in a
 * tfjs `Variable` (`.data`), updated in place with {@link Parameter.assign}, and the gradient
 * accumulated by `backward()` in `.grad` (null until the first backward or after `zeroGrad()`).
 *
 * @example
 * ```ts
 * const w = new Parameter(tf.randomNormal([4, 3]));
 * w.shape;          // [4, 3]
 * w.assign(tf.zeros([4, 3]));
 * w.requiresGrad = false; // freeze
 * ```
 */
export class Parameter {
  /** The value; a tfjs `Variable`, usable wherever a `Tensor` is. */
  readonly data: Variable;
  /** Accumulated gradient, same shape as `data`; `null` when none. Owned by the parameter. */
  grad: Tensor | null = null;
  /** Whether gradients are computed for this parameter. */
  requiresGrad: boolean;

  /** Takes ownership of `value` (it is disposed; the parameter keeps a copy in a variable). */
  constructor(value: Tensor, opts: ParameterOptions = {}) {
    this.requiresGrad = opts.requiresGrad ?? true;
    this.data = variable(value, true, `nnkit_param_${nextId++}`);
    value.dispose();
  }

  /** The parameter's shape. */
  get shape(): number[] {
    return this.data.shape;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.size;
  }

  /** Replaces the value in place (same shape and dtype); `value` is not disposed. */
  assign(value: Tensor): void {
    if (value.shape.length !== this.data.shape.length || value.shape.some((d, i) => d !== this.data.shape[i])) {
      throw new ShapeError('Parameter.assign', `[${this.data.shape.join(', ')}]`, value.shape, 'value');
    }
    this.data.assign(value.dtype === this.data.dtype ? value : tidy(() => cast(value, this.data.dtype)));
  }

  /** Sets `.grad` (taking ownership of `g`), disposing the previous gradient. */
  setGrad(g: Tensor | null): void {
    if (this.grad !== null && this.grad !== g) this.grad.dispose();
    this.grad = g;
  }

  /** Frees the value and the gradient. */
  dispose(): void {
    this.setGrad(null);
    this.data.dispose();
  }
}
