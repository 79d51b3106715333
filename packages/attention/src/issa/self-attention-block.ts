import { mul, reshape, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { dwProduct, permute } from '../internal/dw-product.js';
import { softmax } from '@nnkit/tensor';
import { BatchNorm2d, Conv2d, Module, ReLU, Sequential } from '@nnkit/nn';
import { checkImage, checkPositiveInt } from '../internal/check.js';
import { flat, pointwise } from '../internal/pointwise.js';

/**
 * Scaled dot-product self-attention over all positions of a map, query and key sharing one
 * projection (1×1 conv + batch norm + ReLU, key `f_key`), as in OCNet and ISSA (Huang et al.
 * 2019):
 *
 * `K = f_key(x)`, `A = softmax(KᵀK / √C_k)`, `out = W(f_value(x) Aᵀ)`
 *
 * Keys: `f_key.0` (conv) `f_key.1` (BN), `f_value`, `W`.
 *
 * x: `[B, inChannels, H, W]` → `[B, outChannels, H, W]`; the map
 * ({@link SelfAttentionBlock.attentionMap}) is `[B, N, N]`. Time O(N²·C), memory O(N²).
 *
 * @example
 * ```ts
 * const block = new SelfAttentionBlock(64, 32, 32, 64);
 * block.call(tf.zeros([2, 64, 8, 8])).shape; // [2, 64, 8, 8]
 * ```
 */
export class SelfAttentionBlock extends Module {
  readonly f_key: Sequential;
  readonly f_value: Conv2d;
  readonly W: Conv2d;

  constructor(
    readonly inChannels: number,
    readonly keyChannels: number,
    readonly valueChannels: number,
    readonly outChannels: number,
  ) {
    super();
    const where = 'SelfAttentionBlock';
    checkPositiveInt(where, 'in_channels', inChannels);
    checkPositiveInt(where, 'key_channels', keyChannels);
    checkPositiveInt(where, 'value_channels', valueChannels);
    checkPositiveInt(where, 'out_channels', outChannels);
    this.f_key = this.registerModule('f_key', new Sequential(new Conv2d(inChannels, keyChannels, 1), new BatchNorm2d(keyChannels), new ReLU()));
    this.f_value = this.registerModule('f_value', new Conv2d(inChannels, valueChannels, 1));
    this.W = this.registerModule('W', new Conv2d(valueChannels, outChannels, 1));
  }

  private attend(x: Tensor): { ctx: Tensor; attn: Tensor } {
    checkImage(this.path(), x, this.inChannels);
    const [b, , h, w] = x.shape as [number, number, number, number];
    const xf = flat(x);
    // f_key = conv 1×1 + BN + ReLU; the conv as one matrix product on the flattened positions
    const [conv, bn, act] = [...this.f_key.children()] as [Conv2d, BatchNorm2d, ReLU];
    const key = flat(act.call(bn.call(reshape(pointwise(conv, xf), [b, this.keyChannels, h, w])))); // [b, ck, n]
    const value = pointwise(this.f_value, xf); // [b, cv, n]
    // Both products batched over b as depthwise convolutions (see dwProduct).
    const ck = this.keyChannels;
    const cv = this.valueChannels;
    // attn[i, b, j] = softmax_j(Σ_c key[b, c, i] key[b, c, j] / √ck)
    const attn = softmax(mul(dwProduct(permute(key, [2, 1, 0]), permute(key, [1, 0, 2])), ck ** -0.5), -1); // [n, b, n]
    // ctx[b, v, i] = Σ_j value[b, v, j] attn[i, b, j]
    const ctx = reshape(permute(dwProduct(permute(value, [1, 2, 0]), permute(attn, [2, 1, 0])), [1, 0, 2]), [b, cv, h, w]);
    return { ctx, attn }; // attn [n, b, n]
  }

  /** The attention `[B, N, N]` for x `[B, inChannels, H, W]`. */
  attentionMap(x: Tensor): Tensor {
    return tidy(() => {
      const attn = this.attend(x).attn; // [n, b, n]
      return permute(attn, [1, 0, 2]);
    });
  }

  /** x `[B, inChannels, H, W]` → `[B, outChannels, H, W]`. */
  forward(x: Tensor): Tensor {
    const { ctx } = this.attend(x);
    const [b, , h, w] = ctx.shape as [number, number, number, number];
    return reshape(pointwise(this.W, flat(ctx)), [b, this.outChannels, h, w]);
  }

  override extraRepr(): string {
    return `in_channels=${this.inChannels}, key_channels=${this.keyChannels}, value_channels=${this.valueChannels}, out_channels=${this.outChannels}`;
  }
}
