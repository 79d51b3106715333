import { clone, type Tensor } from '@tensorflow/tfjs-core';
import { flatten } from '@nnkit/tensor';
import { Module } from '../../module.js';
import { ShapeError } from '../../errors.js';

/**
 * Flattens dims `startDim..endDim` into one, like `torch.nn.Flatten(start_dim=1, end_dim=-1)`.
 *
 * @example
 * ```ts
 * new Flatten().call(x);        // [B, C, H, W] -> [B, C*H*W]
 * new Flatten(1, 2).call(x);    // [B, C, H, W] -> [B, C*H, W]
 * ```
 */
export class Flatten extends Module {
  /** First dim to flatten. */
  readonly startDim: number;
  /** Last dim to flatten (inclusive). */
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** `x: [d0, …, dn]` → flattened. */
  forward(x: Tensor): Tensor {
    try {
      return flatten(x, this.startDim, this.endDim);
    } catch (e) {
      throw new ShapeError(this.path(), `a tensor with dims ${this.startDim}..${this.endDim} (${(e as Error).message})`, x.shape);
    }
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input unchanged, like `torch.nn.Identity` (a placeholder). @example `new Identity().call(x) // x` */
export class Identity extends Module {
  /** `x` → `x` (same values, any shape). */
  forward(x: Tensor): Tensor {
    return clone(x);
  }
}
