import { pad, reshape, slice, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { ArgumentError } from '@nnkit/tensor';
import { Module, WeightCache } from '@nnkit/nn';
import { checkImage } from '../internal/check.js';
import { permute } from '../internal/dw-product.js';
import { tr } from '../internal/transpose.js';
import { blockRows, rowsApply } from './block-rows.js';
import { SelfAttentionBlock } from './self-attention-block.js';

/** Options of {@link InterlacedSparseSelfAttention}. */
export interface InterlacedSparseSelfAttentionOptions {
  /** Block size `[P_h, P_w]` (a number means square). Default `[8, 8]`. */
  block?: number | readonly [number, number];
}

/** The attention maps of {@link InterlacedSparseSelfAttention.attentionMap}. */
export interface ISSAMaps {
  /** Long-range attention `[B·P_h·P_w, Q_h·Q_w, Q_h·Q_w]`: positions with the same offset in their block. */
  long: Tensor;
  /** Short-range attention `[B·Q_h·Q_w, P_h·P_w, P_h·P_w]`: positions inside one block. */
  short: Tensor;
}

/**
 * Interlaced sparse self-attention, ISSA (Huang et al. 2019, "Interlaced Sparse Self-Attention
 * for Semantic Segmentation", arXiv:1907.12273): dense attention factorised into a long-range
 * step among the `Q_h·Q_w` positions that share one offset inside a `P_h × P_w` block, then a
 * short-range step inside each block, each a {@link SelfAttentionBlock}:
 *
 * `out = SA_short(regroup(SA_long(group(x))))`
 *
 * Any H × W: the input is zero-padded symmetrically to a multiple of the block and the output
 * cropped back. Keys: `long_range.*`, `short_range.*`.
 *
 * x: `[B, inChannels, H, W]` → `[B, outChannels, H, W]`. With Q = N / (P_h·P_w) blocks: time
 * O(N·(Q + P_h·P_w)·C), memory O(N·(Q + P_h·P_w)) — O(N^1.5) for blocks of √N positions.
 *
 * @example
 * ```ts
 * const issa = new InterlacedSparseSelfAttention(64, 32, 32, 64, { block: [8, 8] });
 * issa.call(tf.zeros([1, 64, 30, 45])).shape; // [1, 64, 30, 45]
 * ```
 */
export class InterlacedSparseSelfAttention extends Module {
  readonly long_range: SelfAttentionBlock;
  readonly short_range: SelfAttentionBlock;
  /** `[P_h, P_w]`. */
  readonly block: readonly [number, number];

  constructor(
    readonly inChannels: number,
    readonly keyChannels: number,
    readonly valueChannels: number,
    readonly outChannels: number,
    opts: InterlacedSparseSelfAttentionOptions = {},
  ) {
    super();
    const b = opts.block ?? [8, 8];
    this.block = typeof b === 'number' ? [b, b] : [b[0], b[1]];
    if (this.block.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new ArgumentError('InterlacedSparseSelfAttention', `block must be positive integers [P_h, P_w], got [${this.block.join(', ')}]`);
    }
    this.long_range = this.registerModule('long_range', new SelfAttentionBlock(inChannels, keyChannels, valueChannels, outChannels));
    this.short_range = this.registerModule('short_range', new SelfAttentionBlock(outChannels, keyChannels, valueChannels, outChannels));
  }

  /** Eval-mode weights of the row layout (see block-rows.ts), one cache per block. */
  private readonly rowCaches = [new WeightCache(), new WeightCache()] as const;

  protected override clearWeightCache(): void {
    for (const c of this.rowCaches) c.clear();
  }

  private run(x: Tensor, maps?: Partial<ISSAMaps>): Tensor {
    checkImage(this.path(), x, this.inChannels);
    const [n, , h, w] = x.shape as [number, number, number, number];
    const [ph, pw] = this.block;
    const oh = Math.ceil(h / ph);
    const ow = Math.ceil(w / pw);
    const padH = oh * ph - h;
    const padW = ow * pw - w;
    const top = Math.floor(padH / 2);
    const left = Math.floor(padW / 2);
    const xp = padH || padW ? pad(x, [[0, 0], [0, 0], [top, padH - top], [left, padW - left]]) : x;
    const m = n * oh * ph * ow * pw;
    const y = !maps && rowsApply(this.long_range, m) && rowsApply(this.short_range, m) ? this.runRows(xp, oh, ow) : this.runGrouped(xp, oh, ow, maps);
    return padH || padW ? slice(y, [0, 0, top, left], [n, this.outChannels, h, w]) : y;
  }

  /**
   * Both blocks on positions stored as rows, channels last (block-rows.ts): one rank-≤ 4
   * transpose into the long-range grouping, one between the two blocks, one back. xp
   * `[n, c, oh·ph, ow·pw]` → `[n, co, oh·ph, ow·pw]`.
   */
  private runRows(xp: Tensor, oh: number, ow: number): Tensor {
    const [n, c] = xp.shape as [number, number];
    const [ph, pw] = this.block;
    const co = this.outChannels;
    const q = oh * ow;
    const p = ph * pw;
    // (n, c, oh, ph, ow, pw) → (n, c, oh, ow, ph, pw) → (oh·ow, n, ph·pw, c): long-range rows (i, g)
    let t = permute(reshape(xp, [n * c * oh, ph, ow, pw]), [0, 2, 1, 3]);
    t = permute(reshape(t, [n, c, q, p]), [2, 0, 3, 1]);
    const long = blockRows(this.long_range, reshape(t, [q, n * p, c]), 'rows', this.rowCaches[0]); // [(q, n, p), co]
    // short-range rows (i, g) = (ph·pw, (oh·ow, n))
    const s = permute(reshape(long, [q, n, p, co]), [2, 0, 1, 3]);
    const out = blockRows(this.short_range, reshape(s, [p, q * n, co]), 'channelsFirst', this.rowCaches[1]); // [co, (q, n, p)]
    // (co, oh·ow, n, ph·pw) → (n, co, oh, ow, ph, pw) → (n, co, oh, ph, ow, pw)
    const y = permute(reshape(out, [co, q, n, p]), [2, 0, 1, 3]);
    return reshape(permute(reshape(y, [n * co * oh, ow, ph, pw]), [0, 2, 1, 3]), [n, co, oh * ph, ow * pw]);
  }

  /** The reference's computation, module by module on grouped NCHW maps (hooks run; maps). */
  private runGrouped(xp: Tensor, oh: number, ow: number, maps?: Partial<ISSAMaps>): Tensor {
    const [n, c] = xp.shape as [number, number];
    const [ph, pw] = this.block;
    // long range: group by the offset inside the block
    // (n, c, oh, ph, ow, pw) → (n, ph, pw, c, oh, ow), as two transposes of rank ≤ 4 (the wasm
    // backend's 6-D transpose is far slower)
    let y = tr(reshape(xp, [n * c * oh, ph, ow, pw]), [0, 2, 1, 3]); // (n, c, oh, ow, ph, pw)
    y = reshape(tr(reshape(y, [n, c * oh * ow, ph * pw]), [0, 2, 1]), [n * ph * pw, c, oh, ow]);
    if (maps) maps.long = this.long_range.attentionMap(y);
    y = this.long_range.call(y);
    const co = this.outChannels;
    // short range: group by block
    // (n, ph, pw, co, oh, ow) → (n, oh, ow, co, ph, pw)
    y = tr(reshape(y, [n, ph * pw, co * oh * ow]), [0, 2, 1]); // (n, co, oh, ow, ph, pw)
    y = reshape(tr(reshape(y, [n, co, oh * ow, ph * pw]), [0, 2, 1, 3]), [n * oh * ow, co, ph, pw]);
    if (maps) maps.short = this.short_range.attentionMap(y);
    y = this.short_range.call(y);
    // (n, oh, ow, co, ph, pw) → (n, co, oh, ph, ow, pw)
    y = tr(reshape(y, [n, oh * ow, co, ph * pw]), [0, 2, 1, 3]); // (n, co, oh, ow, ph, pw)
    return reshape(tr(reshape(y, [n * co * oh, ow, ph, pw]), [0, 2, 1, 3]), [n, co, oh * ph, ow * pw]);
  }

  /** Both attention maps for x `[B, inChannels, H, W]` (see {@link ISSAMaps}). */
  attentionMap(x: Tensor): ISSAMaps {
    return tidy(() => {
      const maps: Partial<ISSAMaps> = {};
      this.run(x, maps);
      return { long: maps.long!, short: maps.short! };
    });
  }

  /** x `[B, inChannels, H, W]` → `[B, outChannels, H, W]`. */
  forward(x: Tensor): Tensor {
    return this.run(x);
  }

  override extraRepr(): string {
    return `in_channels=${this.inChannels}, out_channels=${this.outChannels}, block=(${this.block.join(', ')})`;
  }
}
