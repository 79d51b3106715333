import { matMul, mul, reshape, type Tensor, tidy } from '@tensorflow/tfjs-core';
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
    const key = flat(this.f_key.call(x)); // [b, ck, n]
    const value = pointwise(this.f_value, flat(x)); // [b, cv, n]
    const attn = softmax(mul(matMul(key, key, true, false), this.keyChannels ** -0.5), -1); // [b, n, n]
    const ctx = reshape(matMul(value, attn, false, true), [b, this.valueChannels, h, w]);
    return { ctx, attn };
  }

  /** The attention `[B, N, N]` for x `[B, inChannels, H, W]`. */
  attentionMap(x: Tensor): Tensor {
    return tidy(() => this.attend(x).attn);
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
