import { add, matMul, mul, neg, reshape, type Tensor, tidy, zeros } from '@tensorflow/tfjs-core';
import { softmax } from '@nnkit/tensor';
import { Module, Parameter } from '@nnkit/nn';
import { checkImage } from '../internal/check.js';
import { flat } from '../internal/pointwise.js';

/**
 * DANet channel attention module, CAM (Fu et al. 2019, "Dual Attention Network for Scene
 * Segmentation", CVPR): attention over the C channels, no projections,
 *
 * `E = X Xᵀ`, `A = softmax_j(max_k E_ik − E_ij)`, `out = γ · A X + x` (X: `[C, N]`)
 *
 * (`softmax(max − E)` equals `softmax(−E)`; it is computed in that stable form). γ starts at 0.
 * Works for any channel count and any H, W. Key: `gamma`.
 *
 * x: `[B, C, H, W]` → `[B, C, H, W]`; the map ({@link ChannelAttention.attentionMap}) is
 * `[B, C, C]`. Time O(N·C²), memory O(N·C + C²).
 *
 * @example
 * ```ts
 * const cam = new ChannelAttention();
 * cam.call(tf.zeros([2, 64, 12, 16])).shape; // [2, 64, 12, 16]
 * ```
 */
export class ChannelAttention extends Module {
  /** Residual scale, `[1]`, starts at 0. */
  readonly gamma: Parameter;

  constructor() {
    super();
    this.gamma = this.registerParameter('gamma', new Parameter(zeros([1])));
  }

  private attend(x: Tensor): { out: Tensor; attn: Tensor } {
    checkImage(this.path(), x, null);
    const a = flat(x); // [b, c, n]
    const attn = softmax(neg(matMul(a, a, false, true)), -1); // [b, c, c]
    return { out: reshape(matMul(attn, a), x.shape), attn };
  }

  /** The channel attention `[B, C, C]` for x `[B, C, H, W]`. */
  attentionMap(x: Tensor): Tensor {
    return tidy(() => this.attend(x).attn);
  }

  /** x `[B, C, H, W]` → `[B, C, H, W]`. */
  forward(x: Tensor): Tensor {
    return add(mul(this.gamma.data, this.attend(x).out), x);
  }
}
