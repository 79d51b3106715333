import { concat, max, mean, sigmoid, type Tensor } from '@tensorflow/tfjs-core';
import { Conv2d, Module } from '@nnkit/nn';
import { checkImage, checkPositiveInt } from '../internal/check.js';

/**
 * CBAM spatial attention map (Woo et al. 2018, "CBAM: Convolutional Block Attention Module",
 * ECCV): `M_s = σ(conv_k([mean_c(x); max_c(x)]))`, a `k × k` conv (padding k/2, no bias, key
 * `conv`) over the channel mean and maximum.
 *
 * x: `[B, C, H, W]` → the gate `[B, 1, H, W]` in (0, 1) (for odd k; an even k adds one row and
 * column, as in PyTorch). Time O(N·(C + k²)), memory O(N).
 *
 * @example
 * ```ts
 * const gate = new CBAMSpatialGate({ kernelSize: 7 });
 * gate.call(x).shape; // [B, 1, H, W]
 * ```
 */
export class CBAMSpatialGate extends Module {
  readonly conv: Conv2d;

  /** k, the conv's kernel size. */
  readonly kernelSize: number;

  /** @param opts `kernelSize` k (default 7) */
  constructor(opts: { kernelSize?: number } = {}) {
    super();
    const kernel_size = opts.kernelSize ?? 7;
    this.kernelSize = kernel_size;
    checkPositiveInt('CBAMSpatialGate', 'kernel_size', kernel_size);
    this.conv = this.registerModule('conv', new Conv2d(2, 1, kernel_size, { padding: Math.floor(kernel_size / 2), bias: false }));
  }

  /** x `[B, C, H, W]` → `[B, 1, H, W]`. */
  forward(x: Tensor): Tensor {
    checkImage(this.path(), x, null);
    return sigmoid(this.conv.call(concat([mean(x, 1, true), max(x, 1, true)], 1)));
  }

  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}`;
  }
}
