import { add, mul, reshape, type Tensor, tidy, zeros } from '@tensorflow/tfjs-core';
import { softmax } from '@nnkit/tensor';
import { type Conv2d, Module, Parameter } from '@nnkit/nn';
import { checkImage } from './check.js';
import { mm, mulTransposed } from './matmul.js';
import { flat, pointwise } from './pointwise.js';
import { qkvConvs } from './qkv-attention.js';

/**
 * The computation DANet's position attention and SAGAN's self-attention share (their references
 * differ only in name): every position attends to all N = H·W positions,
 * `out_i = γ · Σ_j softmax_j(q_iᵀ k_j) v_j + x_i`, with q, k 1×1 convs to `in_dim / reduction`
 * channels, v a 1×1 conv to `in_dim` and γ starting at 0. x `[B, in_dim, H, W]` → the same shape.
 * @internal
 */
export abstract class GlobalAttention2d extends Module {
  readonly query_conv: Conv2d;
  readonly key_conv: Conv2d;
  readonly value_conv: Conv2d;
  /** Residual scale, `[1]`, starts at 0. */
  readonly gamma: Parameter;
  /** Query/key channels are `inDim / reduction`. */
  readonly reduction: number;

  /** @param name the class, for errors; @param inDim channels (`in_dim`); @param reduction default 8 */
  protected constructor(
    name: string,
    readonly inDim: number,
    reduction: number | undefined,
  ) {
    super();
    this.reduction = reduction ?? 8;
    [this.query_conv, this.key_conv, this.value_conv] = qkvConvs(this, name, inDim, this.reduction);
    this.gamma = this.registerParameter('gamma', new Parameter(zeros([1])));
  }

  private attend(x: Tensor): { out: Tensor; attn: Tensor } {
    checkImage(this.path(), x, this.inDim);
    const [b, c, h, w] = x.shape as [number, number, number, number];
    const xf = flat(x);
    const q = pointwise(this.query_conv, xf); // [b, c', n]
    const k = pointwise(this.key_conv, xf);
    const attn = softmax(mm(q, k, true, false), -1); // [b, n, n]
    const v = pointwise(this.value_conv, xf); // [b, c, n]
    const out = reshape(mulTransposed(v, attn), [b, c, h, w]);
    return { out, attn };
  }

  /** The attention `[B, N, N]` (N = H·W, row-major positions; row i: where position i looks) for x `[B, in_dim, H, W]`. */
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
