import { mul, reshape, slice, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { mm } from '../internal/matmul.js';
import { ArgumentError, ShapeError, softmax } from '@nnkit/tensor';
import { Conv2d, LayerNorm, Linear, Module } from '@nnkit/nn';
import { checkPositiveInt } from '../internal/check.js';
import { tr } from '../internal/transpose.js';

/** Options of {@link SpatialReductionAttention}. */
export interface SpatialReductionAttentionOptions {
  /** Heads; `dim` must be divisible by it. Default 1. */
  numHeads?: number;
  /** Bias in the `q` and `kv` projections. Default false. */
  qkvBias?: boolean;
  /** Keys/values come from the map reduced by a `srRatio × srRatio`, stride-`srRatio` conv. Default 1 (no reduction). */
  srRatio?: number;
}

/**
 * Spatial-reduction attention of PVT and SegFormer (Wang et al. 2021, "Pyramid Vision
 * Transformer", ICCV; Xie et al. 2021, "SegFormer", NeurIPS): multi-head attention over tokens
 * whose keys and values come from the map shrunk by a strided conv and a LayerNorm,
 *
 * `x' = LN(Conv_{R,R}(x))`, `A = softmax(Q K'ᵀ / √d)`, `out = proj(A V')` per head
 *
 * Keys: `q`, `kv` (`[2·dim, dim]`: keys then values), `proj`, and with `srRatio > 1` `sr`
 * (conv) and `norm` (LayerNorm).
 *
 * x: tokens `[B, N, dim]` with N = H·W (row-major) plus H and W → `[B, N, dim]`; the map
 * ({@link SpatialReductionAttention.attentionMap}) is `[B, heads, N, N']` with
 * N' = ⌊H/R⌋·⌊W/R⌋. Time O(N²·C / R²), memory O(N² / R²).
 *
 * @example
 * ```ts
 * const sra = new SpatialReductionAttention(64, { numHeads: 2, srRatio: 4 });
 * sra.call(tf.zeros([2, 32 * 48, 64]), 32, 48).shape; // [2, 1536, 64]
 * ```
 */
export class SpatialReductionAttention extends Module {
  readonly q: Linear;
  readonly kv: Linear;
  readonly proj: Linear;
  readonly sr: Conv2d | null;
  readonly norm: LayerNorm | null;
  readonly numHeads: number;
  readonly srRatio: number;
  readonly qkvBias: boolean;
  /** `(dim / numHeads)^-0.5`. */
  readonly scale: number;

  constructor(
    readonly dim: number,
    opts: SpatialReductionAttentionOptions = {},
  ) {
    super();
    const where = 'SpatialReductionAttention';
    this.numHeads = opts.numHeads ?? 1;
    this.srRatio = opts.srRatio ?? 1;
    this.qkvBias = opts.qkvBias ?? false;
    checkPositiveInt(where, 'dim', dim);
    checkPositiveInt(where, 'num_heads', this.numHeads);
    checkPositiveInt(where, 'sr_ratio', this.srRatio);
    if (dim % this.numHeads !== 0) throw new ArgumentError(where, `dim (${dim}) must be divisible by num_heads (${this.numHeads})`);
    this.scale = Math.floor(dim / this.numHeads) ** -0.5;
    this.q = this.registerModule('q', new Linear(dim, dim, { bias: this.qkvBias }));
    this.kv = this.registerModule('kv', new Linear(dim, dim * 2, { bias: this.qkvBias }));
    this.proj = this.registerModule('proj', new Linear(dim, dim));
    const reduce = this.srRatio > 1;
    this.sr = this.registerModule('sr', reduce ? new Conv2d(dim, dim, this.srRatio, { stride: this.srRatio }) : null);
    this.norm = this.registerModule('norm', reduce ? new LayerNorm(dim) : null);
  }

  private check(x: Tensor, H: number, W: number): void {
    const p = this.path();
    if (x.rank !== 3 || x.shape[2] !== this.dim) throw new ShapeError(p, `[B, N, ${this.dim}] (tokens, N = H·W)`, x.shape);
    if (!Number.isInteger(H) || !Number.isInteger(W) || H < 1 || W < 1) throw new ArgumentError(p, `H and W must be positive integers, got H=${H}, W=${W}`);
    if (H * W !== x.shape[1]) throw new ShapeError(p, `[B, ${H * W}, ${this.dim}] (N = H·W = ${H}·${W} = ${H * W})`, x.shape);
    if (this.srRatio > 1 && (H < this.srRatio || W < this.srRatio)) {
      throw new ShapeError(p, `H, W ≥ sr_ratio = ${this.srRatio} (the reduction conv needs a full window)`, `H=${H}, W=${W}`, 'map');
    }
  }

  private attend(x: Tensor, H: number, W: number): { out: Tensor; attn: Tensor } {
    this.check(x, H, W);
    const [b, n, c] = x.shape as [number, number, number];
    const heads = this.numHeads;
    const hd = c / heads;
    const q = tr(reshape(this.q.call(x), [b, n, heads, hd]), [0, 2, 1, 3]); // [b, heads, n, hd]
    let xr = x;
    if (this.sr !== null && this.norm !== null) {
      const m = this.sr.call(reshape(tr(x, [0, 2, 1]), [b, c, H, W]));
      xr = this.norm.call(tr(reshape(m, [b, c, m.shape[2]! * m.shape[3]!]), [0, 2, 1]));
    }
    const nr = xr.shape[1]!;
    const kv = this.kv.call(xr); // [b, nr, 2·c]: keys then values
    const split = (from: number): Tensor => tr(reshape(slice(kv, [0, 0, from], [b, nr, c]), [b, nr, heads, hd]), [0, 2, 1, 3]);
    const k = split(0); // [b, heads, nr, hd]
    const v = split(c);
    const attn = softmax(mul(mm(q, k, false, true), this.scale), -1); // [b, heads, n, nr]
    const out = this.proj.call(reshape(tr(mm(attn, v), [0, 2, 1, 3]), [b, n, c]));
    return { out, attn };
  }

  /** The attention `[B, heads, N, N']` for tokens x `[B, N, dim]` of an H × W map. */
  attentionMap(x: Tensor, H: number, W: number): Tensor {
    return tidy(() => this.attend(x, H, W).attn);
  }

  /** x `[B, N, dim]` (N = H·W) → `[B, N, dim]`. */
  forward(x: Tensor, H: number, W: number): Tensor {
    return this.attend(x, H, W).out;
  }

  override extraRepr(): string {
    return `dim=${this.dim}, num_heads=${this.numHeads}, qkv_bias=${this.qkvBias}, sr_ratio=${this.srRatio}`;
  }
}
