import { add, addN, concat, depthwiseConv2d, fused, mul, ones, reshape, slice, softmax, type Tensor, tensor3d, type Tensor4D, tile } from '@tensorflow/tfjs-core';
import type { WeightCache } from '@nnkit/nn';
import { isRecordingGradients } from '@nnkit/tensor';
import { tr } from '../internal/transpose.js';
import type { CrissCrossAttention } from './criss-cross-attention.js';

// CrissCrossAttention's forward on one image outside a gradient tape: 24 kernels and 43 kernel
// calls where the reference layout (criss-cross-attention.ts) takes 26 and 81 (counting reshapes
// and gradient scopes). The three 1×1 convs are ONE fully connected kernel on the positions as
// rows with a cached stacked weight and bias (γ folded into the value part: the attention weights
// of a position sum to 1, so γ·(A·v + b_v) = A·(γ·v + γ·b_v)); its result is transposed once
// channels first, P, and once more with the image's rows and columns swapped, PT. Each batched
// product (per row or per column of the image) is one depthwise convolution whose operands are
// contiguous slices of P, PT or the keys-first attention, already in the convolution's shapes;
// besides, only the row energies, the attention and the column branch's result are transposed.

/**
 * The stacked weight, transposed, `[C, 2·Ci + C]` (columns `W_q`, `W_k`, `γ·W_v`) and its bias
 * `[2·Ci + C]` (`b_q`, `b_k`, `γ·b_v`); fresh tensors (a WeightCache frees what it holds).
 */
function stackedWeight(m: CrissCrossAttention): Tensor[] {
  const c = m.inDim;
  const convs = [m.query_conv, m.key_conv, m.value_conv];
  const w = concat(convs.map((conv) => reshape(conv.weight.data, [conv.outChannels, c])), 0);
  const b = concat(convs.map((conv) => conv.bias!.data), 0);
  const ck = 2 * m.query_conv.outChannels;
  const scale = concat([ones([ck]), tile(reshape(m.gamma.data, [1]), [c])], 0); // 1 for q, k; γ for v
  return [tr(mul(w, reshape(scale, [ck + c, 1])), [1, 0]), mul(b, scale)];
}

function weightSources(m: CrissCrossAttention): Array<Tensor | null | undefined> {
  return [m.query_conv, m.key_conv, m.value_conv].flatMap((c) => [c.weight.data, c.bias?.data]).concat([m.gamma.data]);
}

/**
 * Whether the fast path applies to x `[B, C, H, W]`: one image and no gradient tape (the
 * reference layout's products have the gradients). @internal
 */
export function fastApplies(x: Tensor): boolean {
  return x.shape[0] === 1 && !isRecordingGradients();
}

/**
 * One criss-cross step of {@link CrissCrossAttention} on x `[1, C, H, W]` → `[1, C, H, W]`,
 * the same values as the reference layout. `cache` keeps the stacked weight. @internal
 */
export function crissCrossFast(m: CrissCrossAttention, x: Tensor, cache: WeightCache): Tensor {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const n = h * w;
  const ci = m.query_conv.outChannels;
  const [wt, bias] = m.weightCaching ? cache.get(weightSources(m), () => stackedWeight(m)) : stackedWeight(m);
  const k0 = 2 * ci + c;
  const dw = (input: Tensor, filter: Tensor): Tensor => depthwiseConv2d(input as Tensor4D, filter as Tensor4D, 1, 'valid');
  // rows (i, j) of x times the stacked weight, one fused kernel: [N, 2·Ci + C]; then channels
  // first, P[r, i, j] (rows q, k, γ·v), and with the image's rows and columns swapped, PT[r, j, i],
  // each viewed as a convolution input [1, r, ·, ·] and as a filter [r, 1, ·, ·]: the operands
  // below are slices along r, contiguous, in the shapes the convolutions take
  const pr = fused.matMul({ a: tr(reshape(x, [c, n]), [1, 0]), b: wt!, bias: bias! });
  const p = tr(reshape(pr, [1, h, w, k0]), [0, 3, 1, 2]); // [1, r, i, j]
  const pt = tr(p, [0, 1, 3, 2]); // [1, r, j, i]
  const inputRows = (t: Tensor, from: number, count: number): Tensor => slice(t, [0, from, 0, 0], [1, count, t.shape[2]!, t.shape[3]!]);
  const filterRows = (t: Tensor, from: number, count: number): Tensor => slice(reshape(t, [k0, 1, t.shape[2]!, t.shape[3]!]), [from, 0, 0, 0], [count, 1, t.shape[2]!, t.shape[3]!]);
  // eH[i, j, i'] = Σ_c q[c, i, j] k[c, i', j] (batched over columns j), −∞ where i' = i;
  // eW[i, j, j'] = Σ_c q[c, i, j] k[c, i, j'] (batched over rows i, computed as [j, i, j'])
  const diag = new Float32Array(h * h);
  for (let i = 0; i < h; i++) diag[i * h + i] = -Infinity;
  const eH = add(reshape(dw(inputRows(p, 0, ci), filterRows(pt, ci, ci)), [h, w, h]), tensor3d(diag, [h, 1, h]));
  const eW = tr(reshape(dw(inputRows(pt, 0, ci), filterRows(p, ci, ci)), [w, h, w]), [1, 0, 2]);
  // one softmax over each position's h + w energies, as in the reference: column energies, then
  // row energies; then keys first, so that each part is a contiguous slice
  const a = softmax(concat([eH, eW], 2)); // [i, j, h + w]
  const at = tr(reshape(a, [1, h, w, h + w]), [0, 3, 1, 2]); // [1, h + w, i, j]
  const aH = tr(slice(at, [0, 0, 0, 0], [1, h, h, w]), [0, 1, 3, 2]); // [1, i', j, i]
  const aW = slice(at, [0, h, 0, 0], [1, w, h, w]); // [1, j', i, j]
  // outH[c, j, i] = Σ_i' v[c, i', j] aH[i', j, i]; outW[c, i, j] = Σ_j' vT[c, j', i] aW[j', i, j]
  const outH = tr(reshape(dw(inputRows(p, 2 * ci, c), aH), [1, c, w, h]), [0, 1, 3, 2]);
  const outW = reshape(dw(inputRows(pt, 2 * ci, c), aW), [1, c, h, w]);
  return addN([outH, outW, x]);
}
