import { add, clone, mul, relu, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { softmax } from '@nnkit/tensor';
import type { BatchNorm2d, Conv2d, WeightCache } from '@nnkit/nn';
import { dwProduct, permute } from '../internal/dw-product.js';
import { linear } from '../internal/linear.js';
import { mm } from '../internal/matmul.js';
import type { SelfAttentionBlock } from './self-attention-block.js';
import { tr } from '../internal/transpose.js';

// A SelfAttentionBlock computed on positions stored as rows (channels last), the layout in
// which a 1×1 conv is one fully connected kernel with the weight as its cached operand, and in
// which ISSA's two groupings are plain reshapes plus one rank-≤ 4 transpose each (see
// interlaced-sparse-self-attention.ts).

/**
 * The block's weights in the row layout: `[wk [Cin, Ck], bk [Ck], wv [Cin, Cv], bv [Cv],
 * wT [Cv, Co], w [Co, Cv], bw [Co], bwCol [Co, 1]]`. With `fold` (eval-mode batch norm), the batch
 * norm and the score scale `Ck^-1/4` (applied to both key factors: `relu(a·z) = a·relu(z)`)
 * are folded into `wk`, `bk`.
 */
function rowWeights(block: SelfAttentionBlock, fold: boolean): Tensor[] {
  const [conv, bn] = [...block.f_key.children()] as [Conv2d, BatchNorm2d];
  const { inChannels: cin, keyChannels: ck, valueChannels: cv, outChannels: co } = block;
  let wk = tr(reshape(conv.weight.data, [ck, cin]), [1, 0]);
  let bk = conv.bias!.data;
  if (fold) {
    const { scale, shift } = bn.asAffine()!;
    const a = ck ** -0.25;
    wk = mul(wk, mul(scale, a));
    bk = mul(add(mul(bk, scale), shift), a);
  }
  const w = reshape(block.W.weight.data, [co, cv]);
  // clones: a WeightCache frees what it holds, never the parameters themselves
  const bw = clone(block.W.bias!.data);
  return [wk, fold ? bk : clone(bk), tr(reshape(block.f_value.weight.data, [cv, cin]), [1, 0]), clone(block.f_value.bias!.data), tr(w, [1, 0]), w, bw, reshape(bw, [co, 1])];
}

/**
 * Whether the row layout applies: no hooks observe the block's submodules (they must really
 * run), and batch statistics, when used, have more than one value (otherwise the batch norm's own
 * error should be raised).
 * @internal
 */
export function rowsApply(block: SelfAttentionBlock, positions: number): boolean {
  for (const m of block.modules()) if (m.hasHooks()) return false;
  const bn = [...block.f_key.children()][1] as BatchNorm2d;
  return !bn.usesBatchStats || positions > 1;
}

/**
 * One {@link SelfAttentionBlock} on x `[I, G, Cin]` (row (i, g) = position i of group g),
 * attention among the I positions of each group. `out: 'rows'` gives `[I·G, Co]`,
 * `'channelsFirst'` gives `[Co, G·I]` (column (g, i)). Same values and gradients as the block's
 * `forward` on the grouped NCHW input. `cache` keeps the eval-mode folded weights.
 * @internal
 */
export function blockRows(block: SelfAttentionBlock, x: Tensor, out: 'rows' | 'channelsFirst', cache: WeightCache): Tensor {
  const [ii, g, cin] = x.shape as [number, number, number];
  const { keyChannels: ck, valueChannels: cv } = block;
  const bn = [...block.f_key.children()][1] as BatchNorm2d;
  const batchStats = bn.usesBatchStats;
  const [wk, bk, wv, bv, wT, w, bw, bwCol] = (
    !batchStats && block.weightCaching ? cache.get(weightSources(block), () => rowWeights(block, true)) : rowWeights(block, !batchStats)
  ) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const x2 = reshape(x, [ii * g, cin]);
  let key: Tensor;
  if (!batchStats) key = linear(x2, wk, bk, 'relu');
  else {
    // train mode: the batch norm itself on [positions, Ck, 1, 1] (statistics over all positions,
    // as on the reference's grouped maps; its closed-form gradient; running statistics updated)
    const z = bn.call(reshape(linear(x2, wk, bk), [ii * g, ck, 1, 1]));
    key = mul(relu(reshape(z, [ii * g, ck])), ck ** -0.25);
  }
  const k = reshape(key, [ii, g, ck]);
  const v = reshape(linear(x2, wv, bv), [ii, g, cv]);
  // attn[i, g, j] = softmax_j(Σ_c k[i, g, c] k[j, g, c]) (the scale is in k), batched over g
  const attn = softmax(dwProduct(permute(k, [0, 2, 1]), permute(k, [2, 1, 0])), -1); // [I, G, I]
  if (out === 'rows') {
    // ctx[i, g, v] = Σ_j attn[i, g, j] v[j, g, v]
    const ctx = dwProduct(permute(attn, [0, 2, 1]), v); // [I, G, Cv]
    return linear(reshape(ctx, [ii * g, cv]), wT, bw);
  }
  // ctxᵀ[v, g, i] = Σ_j v[j, g, v] attn[i, g, j]
  const ctxT = dwProduct(permute(v, [2, 0, 1]), permute(attn, [2, 1, 0])); // [Cv, G, I]
  return add(mm(w, reshape(ctxT, [cv, g * ii])), bwCol);
}

function weightSources(block: SelfAttentionBlock): Array<Tensor | null | undefined> {
  const [conv, bn] = [...block.f_key.children()] as [Conv2d, BatchNorm2d];
  return [conv.weight.data, conv.bias?.data, bn.runningMean, bn.runningVar, bn.weight?.data, bn.bias?.data, block.f_value.weight.data, block.f_value.bias?.data, block.W.weight.data, block.W.bias?.data];
}
