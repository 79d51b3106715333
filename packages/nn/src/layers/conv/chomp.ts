import { slice, type Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '../../errors.js';
import { Module } from '../../module.js';

/**
 * Drops the last `chompSize` time steps (`x[:, :, :-chompSize]`), as `Chomp1d` of the TCN
 * reference: after a `Conv1d` padded by `(K-1)*dilation` it makes the convolution causal.
 * `[B, C, T]` -> `[B, C, T - chompSize]`.
 * @example
 * ```ts
 * const chomp = new Chomp1d(6);
 * ```
 */
export class Chomp1d extends Module {
  constructor(readonly chompSize: number) {
    super();
  }
  /** x: `[B, C, T]` -> `[B, C, T - chompSize]`. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 3 || x.shape[2]! <= this.chompSize) throw new ShapeError(this.path(), `[B, C, T > ${this.chompSize}]`, x.shape);
    // PyTorch's x[:, :, :-0] is empty; nnkit keeps chompSize 0 as identity-like copy of the full length.
    return slice(x, [0, 0, 0], [x.shape[0]!, x.shape[1]!, x.shape[2]! - this.chompSize]);
  }
  override extraRepr(): string {
    return `chomp_size=${this.chompSize}`;
  }
}
