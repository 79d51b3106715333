import { dropout, dropout2d, ArgumentError } from '@nnkit/tensor';
import type { Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../../module.js';
import { ShapeError } from '../../errors.js';

function checkP(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(name, `dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * Inverted dropout, like `torch.nn.Dropout(p)`: in train mode each element is zeroed with
 * probability `p` and the rest scaled by `1/(1-p)`; identity in eval mode. Masks come from the
 * global RNG (`manualSeed`).
 *
 * Input `x: any shape` → same shape.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.25);
 * drop.call(x);            // train mode: random mask
 * drop.eval().call(x);     // identity
 * ```
 */
export class Dropout extends Module {
  /** Probability of an element to be zeroed. */
  readonly p: number;

  constructor(p = 0.5) {
    super();
    checkP('Dropout', p);
    this.p = p;
  }

  /** `x` → same shape. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/**
 * Channel-wise dropout, like `torch.nn.Dropout2d(p)`: in train mode zeroes whole channels
 * `x[b, c]` with probability `p` (scaling the rest by `1/(1-p)`); identity in eval mode.
 * Dims 0 and 1 are batch and channel (`[B, C, H, W]`, or `[B, C, L]` as PyTorch 1.13).
 *
 * @example
 * ```ts
 * const drop = new Dropout2d(0.5);
 * drop.call(x); // x: [B, C, H, W]; some x[b, c] are all zero
 * ```
 */
export class Dropout2d extends Module {
  /** Probability of a channel to be zeroed. */
  readonly p: number;

  constructor(p = 0.5) {
    super();
    checkP('Dropout2d', p);
    this.p = p;
  }

  /** `x: [B, C, ...]` → same shape. */
  forward(x: Tensor): Tensor {
    if (x.rank < 2) throw new ShapeError(this.path(), '[B, C, ...] (at least 2 dims)', x.shape);
    return dropout2d(x, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
