import { add, concat, matMul, mul, reshape, slice, type Tensor, tensor2d, tidy, transpose, zeros } from '@tensorflow/tfjs-core';
import { ArgumentError, softmax } from '@nnkit/tensor';
import { type Conv2d, Module, Parameter } from '@nnkit/nn';
import { checkImage } from '../internal/check.js';
import { flat, pointwise } from '../internal/pointwise.js';
import { qkvConvs } from '../internal/qkv-attention.js';

/** Options of {@link CrissCrossAttention}. */
export interface CrissCrossAttentionOptions {
  /** Query/key channels are `inDim / reduction`. Default 8. */
  reduction?: number;
  /** How many times the module is applied (the same weights each time). Default 1; 2 reaches every position. */
  recurrence?: number;
}

/** `[n, n]` with −∞ on the diagonal, 0 elsewhere. */
function minusInfDiagonal(n: number): Tensor {
  const v = new Float32Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = -Infinity;
  return tensor2d(v, [n, n]);
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
    // columns: batch (b, w), sequence h; rows: batch (b, h), sequence w
    const col = (t: Tensor, ch: number): Tensor => reshape(transpose(t, [0, 3, 1, 2]), [b * w, ch, h]);
    const row = (t: Tensor, ch: number): Tensor => reshape(transpose(t, [0, 2, 1, 3]), [b * h, ch, w]);
    const eH = add(matMul(col(q, ci), col(k, ci), true, false), minusInfDiagonal(h)); // [bw, h, h]
    const eW = matMul(row(q, ci), row(k, ci), true, false); // [bh, w, w]
    const eHt = transpose(reshape(eH, [b, w, h, h]), [0, 2, 1, 3]); // [b, h, w, h]
    const attn = softmax(concat([eHt, reshape(eW, [b, h, w, w])], 3), 3);
    const aH = reshape(transpose(slice(attn, [0, 0, 0, 0], [b, h, w, h]), [0, 2, 1, 3]), [b * w, h, h]);
    const aW = reshape(slice(attn, [0, 0, 0, h], [b, h, w, w]), [b * h, w, w]);
    const outH = transpose(reshape(matMul(col(v, c), aH, false, true), [b, w, c, h]), [0, 2, 3, 1]);
    const outW = transpose(reshape(matMul(row(v, c), aW, false, true), [b, h, c, w]), [0, 2, 1, 3]);
    return { out: add(mul(this.gamma.data, add(outH, outW)), x), attn };
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

  /** x `[B, in_dim, H, W]` → `[B, in_dim, H, W]`. */
  forward(x: Tensor): Tensor {
    checkImage(this.path(), x, this.inDim);
    let y = x;
    for (let r = 0; r < this.recurrence; r++) y = this.once(y).out;
    return this.recurrence === 0 ? x.clone() : y;
  }

  override extraRepr(): string {
    return `in_dim=${this.inDim}, reduction=${this.reduction}, recurrence=${this.recurrence}`;
  }
}
