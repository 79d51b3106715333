import { GlobalAttention2d } from '../internal/global-attention.js';

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
export class PositionAttention extends GlobalAttention2d {
  /** @param inDim channels (`in_dim`); @param opts `reduction` (default 8) */
  constructor(inDim: number, opts: { reduction?: number } = {}) {
    super('PositionAttention', inDim, opts.reduction);
  }
}
