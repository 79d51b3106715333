import { add, concat, div, mean, reshape, slice, squeeze, type Tensor, tile, zeros, expandDims } from '@tensorflow/tfjs-core';
import { mm } from '../internal/matmul.js';
import { ArgumentError, ShapeError, dropout as dropoutOp, linear, softmax } from '@nnkit/tensor';
import { Linear, Module, Parameter, init } from '@nnkit/nn';
import { checkPositiveInt } from '../internal/check.js';
import { attentionBias } from './masks.js';
import { tr } from '../internal/transpose.js';

/** Constructor options of {@link MultiheadAttention} (torch's keyword arguments). */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training. Default 0. */
  dropout?: number;
  /** Biases in the input and output projections. Default true. */
  bias?: boolean;
  /** Learned bias vectors `bias_k`, `bias_v` appended to keys and values. Default false. */
  addBiasKv?: boolean;
  /** Appends a zero key and value (after the head split). Default false. */
  addZeroAttn?: boolean;
  /** Key features; default `embedDim`. When kdim or vdim differ, q/k/v get separate weights. */
  kdim?: number;
  /** Value features; default `embedDim`. */
  vdim?: number;
  /** Inputs and output `[B, L, E]` instead of `[L, B, E]`. Default false. */
  batchFirst?: boolean;
}

/** Call options of {@link MultiheadAttention.forward}. */
export interface MultiheadAttentionCallOptions {
  /** `[B, S]`: true (bool) = ignore that key; a float mask is added to the energies. */
  keyPaddingMask?: Tensor;
  /** Return the attention weights. Default true. */
  needWeights?: boolean;
  /** `[L, S]` or `[B·heads, L, S]`: true (bool) = not allowed; a float mask is added. */
  attnMask?: Tensor;
  /** Average the weights over heads (`[B, L, S]`) or not (`[B, heads, L, S]`). Default true. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention, `torch.nn.MultiheadAttention` (PyTorch 1.13; Vaswani et al. 2017,
 * "Attention Is All You Need"):
 *
 * `head_i = softmax(Q W_iᵠ (K W_iᵏ)ᵀ / √d + mask) V W_iᵛ`, `out = [head_1; …; head_h] W_o`
 *
 * State-dict keys as torch: `in_proj_weight [3E, E]` (or `q_proj_weight [E, E]`,
 * `k_proj_weight [E, kdim]`, `v_proj_weight [E, vdim]` when kdim/vdim ≠ E), `in_proj_bias [3E]`,
 * `bias_k`, `bias_v` `[1, 1, E]` (addBiasKv), `out_proj.weight`, `out_proj.bias`.
 *
 * query `[L, B, E]`, key `[S, B, kdim]`, value `[S, B, vdim]` (batchFirst: `[B, L, E]`…, or
 * unbatched `[L, E]`) → `[output [L, B, E], weights [B, L, S] | [B, heads, L, S] | null]`.
 * Time O(L·S·E), memory O(heads·L·S).
 *
 * @example
 * ```ts
 * const mha = new MultiheadAttention(64, 4, { batchFirst: true });
 * const [out, weights] = mha.call(x, x, x, { keyPaddingMask: pad }); // x: [B, N, 64]
 * out.shape; weights!.shape; // [B, N, 64], [B, N, N]
 * ```
 */
export class MultiheadAttention extends Module {
  readonly in_proj_weight: Parameter | null;
  readonly q_proj_weight: Parameter | null;
  readonly k_proj_weight: Parameter | null;
  readonly v_proj_weight: Parameter | null;
  readonly in_proj_bias: Parameter | null;
  readonly bias_k: Parameter | null;
  readonly bias_v: Parameter | null;
  readonly out_proj: Linear;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  /** Attention dropout probability (used in training). */
  dropout: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: MultiheadAttentionOptions = {},
  ) {
    super();
    const where = 'MultiheadAttention';
    checkPositiveInt(where, 'embed_dim', embedDim);
    checkPositiveInt(where, 'num_heads', numHeads);
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    checkPositiveInt(where, 'kdim', this.kdim);
    checkPositiveInt(where, 'vdim', this.vdim);
    if (embedDim % numHeads !== 0) throw new ArgumentError(where, `embed_dim (${embedDim}) must be divisible by num_heads (${numHeads})`);
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(where, `dropout must be in [0, 1], got ${this.dropout}`);
    this.headDim = embedDim / numHeads;
    this.batchFirst = opts.batchFirst ?? false;
    this.addZeroAttn = opts.addZeroAttn ?? false;
    const same = this.kdim === embedDim && this.vdim === embedDim;
    const p = (shape: number[]): Parameter => new Parameter(zeros(shape));
    this.in_proj_weight = this.registerParameter('in_proj_weight', same ? p([3 * embedDim, embedDim]) : null);
    this.q_proj_weight = this.registerParameter('q_proj_weight', same ? null : p([embedDim, embedDim]));
    this.k_proj_weight = this.registerParameter('k_proj_weight', same ? null : p([embedDim, this.kdim]));
    this.v_proj_weight = this.registerParameter('v_proj_weight', same ? null : p([embedDim, this.vdim]));
    this.in_proj_bias = this.registerParameter('in_proj_bias', opts.bias === false ? null : p([3 * embedDim]));
    this.out_proj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias: opts.bias !== false }));
    const kv = opts.addBiasKv === true;
    this.bias_k = this.registerParameter('bias_k', kv ? p([1, 1, embedDim]) : null);
    this.bias_v = this.registerParameter('bias_v', kv ? p([1, 1, embedDim]) : null);
    this.resetParameters();
  }

  /** torch's `_reset_parameters`: Xavier-uniform projections, zero biases, Xavier-normal bias_k/v. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) init.xavierUniform_(w);
    if (this.in_proj_bias) init.zeros_(this.in_proj_bias);
    if (this.out_proj.bias) init.zeros_(this.out_proj.bias);
    for (const b of [this.bias_k, this.bias_v]) if (b) init.xavierNormal_(b);
  }

  private weightOf(i: 0 | 1 | 2): Tensor {
    const e = this.embedDim;
    if (this.in_proj_weight) return slice(this.in_proj_weight.data, [i * e, 0], [e, e]);
    return [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][i]!.data;
  }

  private biasOf(i: 0 | 1 | 2): Tensor | null {
    return this.in_proj_bias ? slice(this.in_proj_bias.data, [i * this.embedDim], [this.embedDim]) : null;
  }

  private checkInputs(q: Tensor, k: Tensor, v: Tensor): boolean {
    const p = this.path();
    const batched = q.rank === 3;
    if (q.rank !== 2 && q.rank !== 3) throw new ShapeError(p, this.batchFirst ? `[B, L, ${this.embedDim}] or [L, ${this.embedDim}]` : `[L, B, ${this.embedDim}] or [L, ${this.embedDim}]`, q.shape, 'query');
    for (const [t, d, n] of [[q, this.embedDim, 'query'], [k, this.kdim, 'key'], [v, this.vdim, 'value']] as const) {
      if (t.rank !== q.rank || t.shape[t.rank - 1] !== d) {
        const lead = batched ? (this.batchFirst ? 'B, S, ' : 'S, B, ') : 'S, ';
        throw new ShapeError(p, `[${n === 'query' ? lead.replace('S', 'L') : lead}${d}] (${batched ? '3-D' : '2-D'} like the query; the module was built for ${n === 'query' ? 'embed_dim' : n === 'key' ? 'kdim' : 'vdim'}=${d})`, t.shape, n);
      }
    }
    if (k.shape.slice(0, -1).join() !== v.shape.slice(0, -1).join()) throw new ShapeError(p, `[${k.shape.slice(0, -1).join(', ')}, ${this.vdim}] (same leading dims as key)`, v.shape, 'value');
    if (batched) {
      const bi = this.batchFirst ? 0 : 1;
      if (q.shape[bi] !== k.shape[bi]) throw new ShapeError(p, `batch ${q.shape[bi]} as the query`, k.shape, 'key');
    }
    return batched;
  }

  /**
   * query `[L, B, E]`, key `[S, B, kdim]`, value `[S, B, vdim]` (or batchFirst / unbatched) →
   * `[output, weights]` (weights null with `needWeights: false`).
   */
  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionCallOptions = {}): [Tensor, Tensor | null] {
    const batched = this.checkInputs(query, key, value);
    // to torch's internal layout [L, B, E]
    const toLBE = (t: Tensor): Tensor => (!batched ? expandDims(t, 1) : this.batchFirst ? tr(t, [1, 0, 2]) : t);
    const q0 = toLBE(query);
    const k0 = toLBE(key);
    const v0 = toLBE(value);
    const kpm = opts.keyPaddingMask !== undefined && !batched ? expandDims(opts.keyPaddingMask, 0) : opts.keyPaddingMask;
    const [l, b, e] = q0.shape as [number, number, number];
    const s = k0.shape[0]!;
    const heads = this.numHeads;
    const hd = this.headDim;
    let q = linear(q0, this.weightOf(0), this.biasOf(0));
    let k = linear(k0, this.weightOf(1), this.biasOf(1));
    let v = linear(v0, this.weightOf(2), this.biasOf(2));
    let extra = 0;
    if (this.bias_k && this.bias_v) {
      k = concat([k, tile(this.bias_k.data, [1, b, 1])], 0);
      v = concat([v, tile(this.bias_v.data, [1, b, 1])], 0);
      extra++;
    }
    const heads3 = (t: Tensor): Tensor => tr(reshape(t, [t.shape[0]!, b * heads, hd]), [1, 0, 2]); // [b·h, len, hd]
    q = heads3(q);
    k = heads3(k);
    v = heads3(v);
    if (this.addZeroAttn) {
      k = concat([k, zeros([b * heads, 1, hd])], 1);
      v = concat([v, zeros([b * heads, 1, hd])], 1);
      extra++;
    }
    const mask = attentionBias(this.path(), opts.attnMask, kpm, b, heads, l, s, extra);
    let energy = mm(div(q, Math.sqrt(hd)), k, false, true); // [b·h, L, S']
    if (mask !== null) energy = add(energy, mask);
    let attn = softmax(energy, -1);
    if (this.training && this.dropout > 0) attn = dropoutOp(attn, this.dropout, true);
    const ctx = reshape(tr(mm(attn, v), [1, 0, 2]), [l * b, e]);
    let out = reshape(this.out_proj.call(ctx), [l, b, e]);
    out = !batched ? squeeze(out, [1]) : this.batchFirst ? tr(out, [1, 0, 2]) : out;
    if (opts.needWeights === false) return [out, null];
    const sp = s + extra;
    let w = reshape(attn, [b, heads, l, sp]);
    if (opts.averageAttnWeights !== false) w = mean(w, 1);
    if (!batched) w = squeeze(w, [0]);
    return [out, w];
  }

  override extraRepr(): string {
    let r = `embed_dim=${this.embedDim}, num_heads=${this.numHeads}`;
    if (this.kdim !== this.embedDim || this.vdim !== this.embedDim) r += `, kdim=${this.kdim}, vdim=${this.vdim}`;
    if (this.batchFirst) r += ', batch_first=True';
    return r;
  }
}
