import { add, mul, reshape, slice, softmax as tfSoftmax, type Tensor, tensor2d } from '@tensorflow/tfjs-core';
import type { WeightCache } from '@nnkit/nn';
import { isRecordingGradients } from '@nnkit/tensor';
import { linear } from '../internal/linear.js';
import { mm } from '../internal/matmul.js';
import { tr } from '../internal/transpose.js';
import type { EfficientAttention } from './efficient-attention.js';

// EfficientAttention on one image with positions stored as rows (channels last), the layout in
// which a 1×1 conv is one fused product with its (cached) weight as the operand. The keys are one
// product on the channels-first input (their softmax runs over positions, the last axis there; a
// key bias is constant over positions and cancels in that softmax); the values never run over
// all positions (their conv is applied to the small key-weighted sum of the input, see below); the
// reprojection is folded into the small per-head context. One transpose in, one out: ~12 kernels
// where the reference layout takes ~26.

/** `[rows, cols]` with 1 where row ÷ rowBlock = col ÷ colBlock (the same head), 0 elsewhere. @internal */
export function headMask(rows: number, rowBlock: number, cols: number, colBlock: number): Tensor {
  const v = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (Math.floor(i / rowBlock) === Math.floor(j / colBlock)) v[i * cols + j] = 1;
  }
  return tensor2d(v, [rows, cols]);
}

/**
 * The row-layout weights: `[wk [Ck', Cin], wqT [Cin, Ck'], bq [Ck'], wvT [Cin, Cv], bv [Cv],
 * mask [Ck', Cv], wrT [Cv, Cin], br [Cin]]` with `Ck' = heads·⌊Ck/heads⌋` (the key channels the
 * heads use). Copies throughout: a WeightCache frees what it holds, never the parameters.
 */
function rowWeights(ea: EfficientAttention): Tensor[] {
  const { inChannels: cin, valueChannels: cv, headCount: heads } = ea;
  const hk = Math.floor(ea.keyChannels / heads);
  const ck = hk * heads;
  const used = (w: Tensor, rows: number): Tensor => slice(reshape(w, [w.shape[0]!, cin]), [0, 0], [rows, cin]);
  const wk = add(used(ea.keys.weight.data, ck), 0);
  const wq = used(ea.queries.weight.data, ck);
  const wv = reshape(ea.values.weight.data, [cv, cin]);
  const wrT = tr(reshape(ea.reprojection.weight.data, [cin, cv]), [1, 0]);
  return [wk, tr(wq, [1, 0]), slice(ea.queries.bias!.data, [0], [ck]), tr(wv, [1, 0]), add(ea.values.bias!.data, 0), headMask(ck, hk, cv, cv / heads), wrT, add(ea.reprojection.bias!.data, 0)];
}

function weightSources(ea: EfficientAttention): Array<Tensor | null | undefined> {
  return [ea.keys, ea.queries, ea.values, ea.reprojection].flatMap((c) => [c.weight.data, c.bias?.data]);
}

/**
 * Whether the row layout applies: one image of more than one position and channel, no gradient
 * tape (the reference layout's products have the fast gradients). With one position or channel
 * the input in rows is a reshape of the input in columns, sharing its data, and the wasm backend's matMul reuses the
 * operand it packed for the key product (keyed on the data, not the shape): wrong values. @internal
 */
export function rowsApply(x: Tensor): boolean {
  const [b, c, h, w] = x.shape as [number, number, number, number];
  return b === 1 && c > 1 && h * w > 1 && !isRecordingGradients();
}

/**
 * {@link EfficientAttention}'s forward on x `[1, Cin, H, W]` → `[1, Cin, H, W]`, same values,
 * positions as rows. `cache` keeps the weights in that layout. @internal
 */
export function efficientRows(ea: EfficientAttention, x: Tensor, cache: WeightCache): Tensor {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const n = h * w;
  const heads = ea.headCount;
  const hk = Math.floor(ea.keyChannels / heads);
  const ck = hk * heads;
  const [wk, wq, bq, wv, bv, mask, wrT, br] = (ea.weightCaching ? cache.get(weightSources(ea), () => rowWeights(ea)) : rowWeights(ea)) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const x2 = reshape(x, [c, n]);
  const key = tfSoftmax(mm(wk, x2)); // [Ck', N], per channel over positions
  const xr = tr(x2, [1, 0]); // [N, Cin]
  // context of all heads [Ck', Cv] = key · (xr · wv + bv) = (key · xr) · wv + bv (each key row
  // sums to 1): the value conv runs on the small [Ck', Cin] product, not on all positions;
  // cross-head blocks zeroed, then folded into the reprojection
  let ctx = linear(mm(key, xr), wv, bv);
  if (heads > 1) ctx = mul(ctx, mask);
  const query = reshape(tfSoftmax(reshape(linear(xr, wq, bq), [n, heads, hk])), [n, ck]); // per head over channels
  const rows = linear(query, mm(ctx, wrT), br); // [N, Cin]
  return add(reshape(tr(rows, [1, 0]), [1, c, h, w]), x);
}
