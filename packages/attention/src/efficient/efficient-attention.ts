import { add, mul, reshape, slice, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { mm } from '../internal/matmul.js';
import { ArgumentError, softmax } from '@nnkit/tensor';
import { Conv2d, Module, WeightCache } from '@nnkit/nn';
import { checkImage, checkPositiveInt } from '../internal/check.js';
import { flat, pointwise } from '../internal/pointwise.js';
import { efficientRows, headMask, rowsApply } from './efficient-rows.js';

/** Options of {@link EfficientAttention}. */
export interface EfficientAttentionOptions {
  /** Number of heads; `valueChannels` must be divisible by it. Default 1. */
  headCount?: number;
}

/**
 * Efficient attention (Shen et al. 2021, "Efficient Attention: Attention with Linear
 * Complexities", WACV): per head, keys are normalised over positions and queries over channels,
 * and the small `[d_k, d_v]` global context is formed first,
 *
 * `E = ρ_q(Q) ᵀ · (ρ_k(K) Vᵀ)` per head, `out = reprojection([E_1; …; E_h]) + x`
 *
 * Keys: `keys`, `queries`, `values`, `reprojection` (1×1 convs). As in the reference, a head
 * uses `keyChannels / headCount` (floored) key channels.
 *
 * x: `[B, inChannels, H, W]` → `[B, inChannels, H, W]`; the map
 * ({@link EfficientAttention.attentionMap}) is the key softmax `[B, keyChannels', H, W]`: one
 * global attention map over the image per key channel. Time O(N·d_k·d_v), memory O(N·C) — linear in N.
 *
 * @example
 * ```ts
 * const ea = new EfficientAttention(64, 32, 64, { headCount: 4 });
 * ea.call(tf.zeros([2, 64, 32, 48])).shape; // [2, 64, 32, 48]
 * ```
 */
export class EfficientAttention extends Module {
  readonly keys: Conv2d;
  readonly queries: Conv2d;
  readonly values: Conv2d;
  readonly reprojection: Conv2d;
  readonly headCount: number;

  constructor(
    readonly inChannels: number,
    readonly keyChannels: number,
    readonly valueChannels: number,
    opts: EfficientAttentionOptions = {},
  ) {
    super();
    const where = 'EfficientAttention';
    this.headCount = opts.headCount ?? 1;
    checkPositiveInt(where, 'in_channels', inChannels);
    checkPositiveInt(where, 'key_channels', keyChannels);
    checkPositiveInt(where, 'value_channels', valueChannels);
    checkPositiveInt(where, 'head_count', this.headCount);
    if (valueChannels % this.headCount !== 0) {
      throw new ArgumentError(where, `value_channels (${valueChannels}) must be divisible by head_count (${this.headCount})`);
    }
    if (keyChannels < this.headCount) throw new ArgumentError(where, `key_channels (${keyChannels}) must be at least head_count (${this.headCount})`);
    this.keys = this.registerModule('keys', new Conv2d(inChannels, keyChannels, 1));
    this.queries = this.registerModule('queries', new Conv2d(inChannels, keyChannels, 1));
    this.values = this.registerModule('values', new Conv2d(inChannels, valueChannels, 1));
    this.reprojection = this.registerModule('reprojection', new Conv2d(valueChannels, inChannels, 1));
  }

  /** Weights of the row layout (efficient-rows.ts), kept between eval calls. */
  private readonly rowCache = new WeightCache();

  protected override clearWeightCache(): void {
    this.rowCache.clear();
  }

  /** Per-head keys `[b, heads, hk, n]`, softmax over positions. */
  private keySoftmax(xf: Tensor, b: number, n: number): Tensor {
    const hk = Math.floor(this.keyChannels / this.headCount);
    const used = (k: Tensor): Tensor => (hk * this.headCount === this.keyChannels ? k : slice(k, [0, 0, 0], [b, hk * this.headCount, n]));
    return softmax(reshape(used(pointwise(this.keys, xf)), [b, this.headCount, hk, n]), 3);
  }

  /** The key softmax maps `[B, headCount·⌊keyChannels/headCount⌋, H, W]` (each sums to 1 over H, W). */
  attentionMap(x: Tensor): Tensor {
    return tidy(() => {
      checkImage(this.path(), x, this.inChannels);
      const [b, , h, w] = x.shape as [number, number, number, number];
      const k = this.keySoftmax(flat(x), b, h * w);
      return reshape(k, [b, k.shape[1]! * k.shape[2]!, h, w]);
    });
  }

  /** x `[B, inChannels, H, W]` → `[B, inChannels, H, W]`. */
  forward(x: Tensor): Tensor {
    checkImage(this.path(), x, this.inChannels);
    if (rowsApply(x)) return efficientRows(this, x, this.rowCache);
    return this.forwardReference(x);
  }

  /** The reference's layout, conv by conv (any batch, under a gradient tape, with hooks). @internal */
  forwardReference(x: Tensor): Tensor {
    const [b, c, h, w] = x.shape as [number, number, number, number];
    const n = h * w;
    const heads = this.headCount;
    const hk = Math.floor(this.keyChannels / heads);
    const hv = this.valueChannels / heads;
    const xf = flat(x);
    const key = this.keySoftmax(xf, b, n); // [b, heads, hk, n]
    let qAll = pointwise(this.queries, xf);
    if (hk * heads !== this.keyChannels) qAll = slice(qAll, [0, 0, 0], [b, hk * heads, n]);
    const query = softmax(reshape(qAll, [b, heads, hk, n]), 2);
    const value = reshape(pointwise(this.values, xf), [b, heads, hv, n]);
    let attended: Tensor; // [b, cv, n]
    if (b === 1) {
      // One image: two plain 2-D products over all heads at once, the cross-head blocks of the
      // context zeroed by a block-diagonal mask (the wasm backend's batched product is a slow
      // loop; its 2-D product is XNNPACK's).
      const k2 = reshape(key, [heads * hk, n]);
      const q2 = reshape(query, [heads * hk, n]);
      let ctxT = mm(reshape(value, [this.valueChannels, n]), k2, false, true); // [cv, heads·hk]
      if (heads > 1) ctxT = mul(ctxT, headMask(this.valueChannels, hv, heads * hk, hk));
      attended = reshape(mm(ctxT, q2), [1, this.valueChannels, n]);
    } else {
      const context = mm(key, value, false, true); // [b, heads, hk, hv]
      attended = reshape(mm(context, query, true, false), [b, this.valueChannels, n]);
    }
    return add(reshape(pointwise(this.reprojection, attended), [b, c, h, w]), x);
  }

  override extraRepr(): string {
    return `in_channels=${this.inChannels}, key_channels=${this.keyChannels}, value_channels=${this.valueChannels}, head_count=${this.headCount}`;
  }
}
