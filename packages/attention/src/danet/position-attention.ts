import { add, matMul, mul, reshape, type Tensor, tidy, zeros } from '@tensorflow/tfjs-core';
import { softmax } from '@nnkit/tensor';
import { type Conv2d, Module, Parameter } from '@nnkit/nn';
import { checkImage } from '../internal/check.js';
import { flat, pointwise } from '../internal/pointwise.js';
import { qkvConvs } from '../internal/qkv-attention.js';

/**
 * DANet position attention module, PAM (Fu et al. 2019, "Dual Attention Network for Scene
 * Segmentation", CVPR): attention over the N = H·W positions,
 *
 * `A = softmax_j(q_iᵀ k_j)`, `out_i = γ · Σ_j A_ij v_j + x_i`
 *
 * with q, k = 1×1 convs to `in_dim / reduction` channels, v a 1×1 conv to `in_dim`, γ a scalar
 * starting at 0. Keys: `query_conv`, `key_conv`, `value_conv`, `gamma`.
 *
 * x: `[B, in_dim, H, W]` → `[B, in_dim, H, W]`; the map ({@link PositionAttention.attentionMap})
 * is `[B, N, N]` (row i: where position i looks). Time O(N²·C), memory O(N²).
 *
 * @example
 * ```ts
 * const pam = new PositionAttention(64);
 * pam.call(tf.zeros([2, 64, 12, 16])).shape; // [2, 64, 12, 16]
 * ```
 */
export class PositionAttention extends Module {
  readonly query_conv: Conv2d;
  readonly key_conv: Conv2d;
  readonly value_conv: Conv2d;
  /** Residual scale, `[1]`, starts at 0. */
  readonly gamma: Parameter;

  /** Query/key channels are `inDim / reduction`. */
  readonly reduction: number;

  /** @param inDim channels (`in_dim`); @param opts `reduction` (default 8) */
  constructor(
    readonly inDim: number,
    opts: { reduction?: number } = {},
  ) {
    super();
    this.reduction = opts.reduction ?? 8;
    [this.query_conv, this.key_conv, this.value_conv] = qkvConvs(this, 'PositionAttention', inDim, this.reduction);
    this.gamma = this.registerParameter('gamma', new Parameter(zeros([1])));
  }

  private attend(x: Tensor): { out: Tensor; attn: Tensor } {
    checkImage(this.path(), x, this.inDim);
    const [b, c, h, w] = x.shape as [number, number, number, number];
    const xf = flat(x);
    const q = pointwise(this.query_conv, xf); // [b, c', n]
    const k = pointwise(this.key_conv, xf);
    const attn = softmax(matMul(q, k, true, false), -1); // [b, n, n]
    const v = pointwise(this.value_conv, xf); // [b, c, n]
    const out = reshape(matMul(v, attn, false, true), [b, c, h, w]);
    return { out, attn };
  }

  /** The position attention `[B, N, N]` (N = H·W, row-major positions) for x `[B, in_dim, H, W]`. */
  attentionMap(x: Tensor): Tensor {
    return tidy(() => this.attend(x).attn);
  }

  /** x `[B, in_dim, H, W]` → `[B, in_dim, H, W]`. */
  forward(x: Tensor): Tensor {
    return add(mul(this.gamma.data, this.attend(x).out), x);
  }

  override extraRepr(): string {
    return `in_dim=${this.inDim}, reduction=${this.reduction}`;
  }
}
