import { add, concat, mul, reshape, slice, type Tensor, tensor4d, tidy, zeros } from '@tensorflow/tfjs-core';
import { dwProduct, permute } from '../internal/dw-product.js';
import { ArgumentError, softmax } from '@nnkit/tensor';
import { type Conv2d, Module, Parameter, WeightCache } from '@nnkit/nn';
import { checkImage } from '../internal/check.js';
import { flat, pointwise } from '../internal/pointwise.js';
import { qkvConvs } from '../internal/qkv-attention.js';
import { crissCrossFast, fastApplies } from './criss-cross-fast.js';

/** Options of {@link CrissCrossAttention}. */
export interface CrissCrossAttentionOptions {
  /** Query/key channels are `inDim / reduction`. Default 8. */
  reduction?: number;
  /** How many times the module is applied (the same weights each time). Default 1; 2 reaches every position. */
  recurrence?: number;
}

/** `[n, 1, 1, n]` with −∞ on the diagonal, 0 elsewhere. */
function minusInfDiagonal(n: number): Tensor {
  const v = new Float32Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = -Infinity;
  return tensor4d(v, [n, 1, 1, n]);
}

/**
 * CCNet criss-cross attention (Huang et al. 2019, "CCNet: Criss-Cross Attention for Semantic
 * Segmentation", ICCV): each position attends to the H + W − 1 positions of its row and column
 * (itself counted once),
 *
 * `A_u = softmax(q_uᵀ k_v, v ∈ row(u) ∪ col(u))`, `out_u = γ · Σ_v A_uv v_v + x_u`
 *
 * applied `recurrence` times with the same weights (R = 2 propagates information from every
 * position). Keys: `query_conv`, `key_conv`, `value_conv`, `gamma`.
 *
 * x: `[B, in_dim, H, W]` → `[B, in_dim, H, W]`; the maps ({@link CrissCrossAttention.attentionMap})
 * are `[B, H, W, H + W]` per recurrence (last axis: the H column energies — the position itself
 * has weight 0 there — then the W row energies). Time O(N·(H + W)·C), memory O(N·(H + W)) per step.
 *
 * @example
 * ```ts
 * const cca = new CrissCrossAttention(64, { recurrence: 2 });
 * cca.call(tf.zeros([2, 64, 12, 16])).shape; // [2, 64, 12, 16]
 * ```
 */
export class CrissCrossAttention extends Module {
  readonly query_conv: Conv2d;
  readonly key_conv: Conv2d;
  readonly value_conv: Conv2d;
  /** Residual scale, `[1]`, starts at 0. */
  readonly gamma: Parameter;
  readonly reduction: number;
  readonly recurrence: number;

  /** @param inDim channels (`in_dim`); @param opts reduction, recurrence */
  constructor(
    readonly inDim: number,
    opts: CrissCrossAttentionOptions = {},
  ) {
    super();
    this.reduction = opts.reduction ?? 8;
    this.recurrence = opts.recurrence ?? 1;
    if (!Number.isInteger(this.recurrence) || this.recurrence < 0) {
      throw new ArgumentError('CrissCrossAttention', `recurrence must be a non-negative integer, got ${this.recurrence}`);
    }
    [this.query_conv, this.key_conv, this.value_conv] = qkvConvs(this, 'CrissCrossAttention', inDim, this.reduction);
    this.gamma = this.registerParameter('gamma', new Parameter(zeros([1])));
  }

  /** One criss-cross step on x `[b, c, h, w]`: the output and the attention `[b, h, w, h + w]`. */
  private once(x: Tensor): { out: Tensor; attn: Tensor } {
    const [b, c, h, w] = x.shape as [number, number, number, number];
    const xf = flat(x);
    const ci = this.query_conv.outChannels;
    const q = reshape(pointwise(this.query_conv, xf), [b, ci, h, w]);
    const k = reshape(pointwise(this.key_conv, xf), [b, ci, h, w]);
    const v = reshape(pointwise(this.value_conv, xf), [b, c, h, w]);
    // Every product below is batched over the images' rows or columns (folded with the batch),
    // computed as one depthwise convolution (see dwProduct), with operands laid out by rank ≤ 4
    // transposes (reshapes when b = 1 makes them trivial).
    // eW[j, (b, i), j'] = Σ_c q[b, c, i, j] k[b, c, i, j']
    const eW = dwProduct(reshape(permute(q, [3, 1, 0, 2]), [w, ci, b * h]), reshape(permute(k, [1, 0, 2, 3]), [ci, b * h, w]));
    // eH[i, (b, j), i'] = Σ_c q[b, c, i, j] k[b, c, i', j], −∞ where i = i'
    const eH = add(
      reshape(dwProduct(reshape(permute(q, [2, 1, 0, 3]), [h, ci, b * w]), reshape(permute(k, [1, 0, 3, 2]), [ci, b * w, h])), [h, b, w, h]),
      minusInfDiagonal(h),
    );
    const attn = softmax(concat([permute(eH, [1, 0, 2, 3]), permute(reshape(eW, [w, b, h, w]), [1, 2, 0, 3])], 3), 3); // [b, h, w, h + w]
    const aH = slice(attn, [0, 0, 0, 0], [b, h, w, h]); // [b, i, j, i']
    const aW = slice(attn, [0, 0, 0, h], [b, h, w, w]); // [b, i, j, j']
    // outH[b, c, i, j] = Σ_i' v[b, c, i', j] aH[b, i, j, i']: [c, (b, j), i]
    const outH = dwProduct(reshape(permute(v, [1, 2, 0, 3]), [c, h, b * w]), reshape(permute(aH, [3, 0, 2, 1]), [h, b * w, h]));
    // outW[b, c, i, j] = Σ_j' v[b, c, i, j'] aW[b, i, j, j']: [c, (b, i), j]
    const outW = dwProduct(reshape(permute(v, [1, 3, 0, 2]), [c, w, b * h]), reshape(permute(aW, [3, 0, 1, 2]), [w, b * h, w]));
    const sum = add(permute(reshape(outH, [c, b, w, h]), [1, 0, 3, 2]), permute(reshape(outW, [c, b, h, w]), [1, 0, 2, 3]));
    return { out: add(mul(this.gamma.data, sum), x), attn };
  }

  /** The attention of each recurrence, `[B, H, W, H + W]` each, for x `[B, in_dim, H, W]`. */
  attentionMap(x: Tensor): Tensor[] {
    return tidy(() => {
      checkImage(this.path(), x, this.inDim);
      const maps: Tensor[] = [];
      let y = x;
      for (let r = 0; r < this.recurrence; r++) {
        const { out, attn } = this.once(y);
        maps.push(attn);
        y = out;
      }
      return maps;
    });
  }

  /** The stacked weight of the fast path (criss-cross-fast.ts), kept between calls. */
  private readonly fastCache = new WeightCache();

  protected override clearWeightCache(): void {
    this.fastCache.clear();
  }

  /** x `[B, in_dim, H, W]` → `[B, in_dim, H, W]`. */
  forward(x: Tensor): Tensor {
    checkImage(this.path(), x, this.inDim);
    if (this.recurrence === 0) return x.clone();
    if (!fastApplies(x)) return this.forwardReference(x);
    let y = x;
    for (let r = 0; r < this.recurrence; r++) y = crissCrossFast(this, y, this.fastCache);
    return y;
  }

  /** The reference's layout, step by step (a batch, under a gradient tape; the parity-tested path). @internal */
  forwardReference(x: Tensor): Tensor {
    checkImage(this.path(), x, this.inDim);
    let y = x;
    for (let r = 0; r < this.recurrence; r++) y = this.once(y).out;
    return this.recurrence === 0 ? x.clone() : y;
  }

  override extraRepr(): string {
    return `in_dim=${this.inDim}, reduction=${this.reduction}, recurrence=${this.recurrence}`;
  }
}
