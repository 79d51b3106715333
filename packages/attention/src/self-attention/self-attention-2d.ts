import { GlobalAttention2d } from '../internal/global-attention.js';

/**
 * SAGAN self-attention (Zhang et al. 2019, "Self-Attention Generative Adversarial Networks",
 * ICML): every position attends to all N = H·W positions,
 *
 * `β_ij = softmax_j(f(x_i)ᵀ g(x_j))`, `out_i = γ · Σ_j β_ij h(x_j) + x_i`
 *
 * with f (`query_conv`), g (`key_conv`) 1×1 convs to `in_dim / reduction` channels, h
 * (`value_conv`) a 1×1 conv to `in_dim`, γ (`gamma`) starting at 0, so the block starts as the
 * identity.
 *
 * x: `[B, in_dim, H, W]` → `[B, in_dim, H, W]`; the map ({@link SelfAttention2d.attentionMap})
 * is `[B, N, N]` (row i: where position i looks). Time O(N²·C), memory O(N²).
 *
 * @example
 * ```ts
 * const sa = new SelfAttention2d(64, { reduction: 8 });
 * sa.call(tf.zeros([2, 64, 12, 16])).shape; // [2, 64, 12, 16]
 * sa.attentionMap(x).shape;                 // [2, 192, 192]
 * ```
 */
export class SelfAttention2d extends GlobalAttention2d {
  /** @param inDim channels (`in_dim`); @param opts `reduction` (default 8) */
  constructor(inDim: number, opts: { reduction?: number } = {}) {
    super('SelfAttention2d', inDim, opts.reduction);
  }
}
