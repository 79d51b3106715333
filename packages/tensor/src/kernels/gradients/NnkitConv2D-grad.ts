import { add, engine, gather, mul, pad, reshape, slice, sum, tensor1d, tidy, transpose, type GradConfig, type NamedAttrMap, type Tensor, zeros } from '@tensorflow/tfjs-core';
import { FAST_DEPTHWISE_TAPS, NNKIT_CONV, rawConv, type NnkitConvAttrs } from '../conv-nhwc.js';
import { broadcastRowsApply, broadcastRowsFilterGrad, broadcastRowsInputGrad } from '../simd/broadcast-rows.js';
import { depthwiseRowsApply, depthwiseRowsFilterGrad } from '../simd/depthwise-rows.js';
import { depthwiseSpatialApply, depthwiseSpatialFilterGrad, depthwiseSpatialInputGrad } from '../simd/depthwise-spatial.js';
import { pointwiseConvApplies, pointwiseFilterGrad, pointwiseInputGrad } from '../pointwise-conv.js';
import { simdPatchesActive } from '../simd/patches.js';
import { tilesConvApplies } from '../tiles-conv.js';
import { winogradApplies } from '../simd/winograd.js';
import { winogradRowsApplies } from '../simd/winograd-rows.js';
import { col2imInputGrad, IM2COL_MAX_VALUES, im2colFilterGrad } from './conv-im2col-grad.js';
import { fewWindowsProduct, simdCol2imInputGrad, simdIm2colFilterGrad } from './conv-patches-grad.js';
import { chunkedDepthwiseFilterGrad } from './depthwise-filter-grad.js';

/**
 * The gradient of nnkit's `NnkitConv2D` kernel (plain and depthwise NHWC convolution, any
 * stride with any dilation), evaluated lazily: no input gradient is computed for a first layer.
 *
 * Each of the two gradients has named, shape-specific strategies, chosen by
 * {@link convGradStrategy} from the shapes alone:
 *
 * | gradient | strategy | shapes | how |
 * | --- | --- | --- | --- |
 * | input | `'pointwise'` | plain, a `1 × 1` kernel at stride 1 without padding (Inception's and EEGNet's `1 × 1` convolutions) | one product `dy · Wᵀ` (`pointwise-conv.ts`) |
 * | input | `'simd-depthwise-spatial'` | depthwise, a kernel of all rows and one column, multiplier 1 or 2, no padding, channels a multiple of 4, on wasm with SIMD | nnkit's wasm SIMD kernel (`simd/depthwise-spatial.ts`; EEGNet's spatial filter) |
 * | input | `'depthwise-broadcast'` | depthwise, one output row, kernel 1 wide along W, W stride 1, no W padding (EEGNet's spatial filter `(C, 1)`) | `dy ⊗ filter` broadcast product (16× faster than generic) |
 * | input | `'simd-broadcast-rows'` | as the filter gradient's `'simd-broadcast-rows'` (a first temporal layer `Conv2d(1, F, (1, K))`) | nnkit's wasm SIMD kernel (`simd/broadcast-rows.ts`): each position's taps summed over the output channels (the generic convolution into one channel ran at ~1.4 GMAC/s: ~260 → 45–60 ms at batch 64 × 22 × 1000, F = 8, K = 32) |
 * | input | `'simd-col2im'` | plain, on wasm with SIMD, fewer than {@link COL2IM_MIN_CIN} input channels, a stride > 1, or few windows against many output channels (`fewWindowsProduct` in `conv-patches-grad.ts`: Inception's 8 × 8 layers at b1), `dcols` of at most {@link IM2COL_MAX_VALUES} values (LeNet's second conv, Inception's stem and reductions) | one GEMM `dy · Wᵀ` (with few windows `W · dyᵀ` on nnkit's pack-free SIMD product: XNNPACK repacks the new filter every step), then each window added back in place by nnkit's SIMD col2im (`simd/patches.ts`; 1.6× faster than generic on LeNet's conv2, 7× on Inception's stride-2 stem) |
 * | input | `'col2im'` | plain, a stride > 1, at least {@link COL2IM_MIN_CIN} input channels, `dcols` of at most {@link IM2COL_MAX_VALUES} values (Inception's stride-2 reductions) | one GEMM `dy · Wᵀ`, then the taps' columns added back in place (no zero-inserted `dy`: stride² less work) |
 * | input | `'generic'` | everything else | stride-1 convolution of the zero-inserted `dy` with the flipped filter (on nnkit's SIMD kernel when depthwise with a one-row kernel on wasm; as Winograd's F(2 × 2, 3 × 3) where `winogradApplies` (a `3 × 3` stride-1 layer: `simd/winograd.ts`); on the pack-free product where `tilesConvApplies`, e.g. at least 64 input channels: measured 2026-12-03 at b8, forward + input gradient, Inception's `7 × 1` 128 → 192 45–83 → 41–43 ms, `3 × 3` 448 → 384 96–106 → 77 ms, 80 → 192 on 73² 623–746 → 584–586 ms) |
 * | filter | `'pointwise'` | as the input gradient's `'pointwise'` | one product `xᵀ · dy` |
 * | filter | `'simd-depthwise-spatial'` | as the input gradient's `'simd-depthwise-spatial'` | nnkit's wasm SIMD kernel (`simd/depthwise-spatial.ts`) |
 * | filter | `'simd-depthwise-rows'` | depthwise, multiplier 1, a one-row kernel at stride 1, channels a multiple of 4, on wasm with SIMD | one pass of nnkit's wasm SIMD filter-gradient kernel (`simd/depthwise-rows.ts`) |
 * | filter | `'simd-broadcast-rows'` | plain, one input channel, a one-row kernel at stride 1, output channels a multiple of 4, on wasm with SIMD | one pass of nnkit's wasm SIMD kernel (`simd/broadcast-rows.ts`; `Conv2d(1, F, (1, K))`) |
 * | filter | `'simd-im2col'` | plain, on wasm with SIMD, at most {@link SIMD_IM2COL_MAX_CIN} input channels (LeNet's first conv, a 3-channel image stem, a plain spatial filter over one-channel EEG), or where `'im2col'` would be taken (Inception at b1–b8: the SIMD windows in place of its slices, measured 2026-12-03 Mixed_7a `3 × 3` s2 at b1 9.9 → 7.0 ms fwd+bwd) | the windows as columns by nnkit's SIMD im2col (`simd/patches.ts`), then `colsT · dy` GEMMs over chunks of the batch (faster than generic: 2.4× on LeNet's conv1, 4–6× on a 3-channel 3 × 3 conv, 11–16× on a one-channel one; than `'im2col'`'s slices, measured 2026-12-03: Inception's stem at b1 1.6–2.7 against 3.7–3.9 ms, at b8 28–31 against 38 ms, a `(22, 1)` spatial filter at b64 3.2 against 4.7–5.1 ms) |
 * | filter | `'chunked-depthwise-filter'` | depthwise, one output row, W stride 1, more than {@link FAST_DEPTHWISE_TAPS} output columns | `dy`'s row cut into 25-sample chunks folded into channels: runs on the fast 25-tap kernel (one input row, multiplier 1: in groups of ≈ 2,560 channels, see `depthwise-filter-grad.ts`) |
 * | filter | `'im2col'` | plain, batch below {@link IM2COL_MIN_BATCH_BELOW} (Inception at b1–b8), or one output row from a one-column kernel (EEG spatial filters), without nnkit's SIMD kernels (cpu, or wasm without SIMD) | `colsᵀ · dy` GEMMs over chunks of the batch |
 * | filter | `'generic'` | everything else | a convolution whose batch is the input channels and whose filter is `dy` (its input channels are the batch: slow for small batches) |
 */
export type ConvInputGradStrategy = 'pointwise' | 'simd-depthwise-spatial' | 'depthwise-broadcast' | 'simd-broadcast-rows' | 'simd-col2im' | 'col2im' | 'generic';

/** Strategy of the filter gradient of `NnkitConv2D` (see {@link ConvInputGradStrategy} for the table). */
export type ConvFilterGradStrategy = 'pointwise' | 'simd-depthwise-spatial' | 'simd-depthwise-rows' | 'simd-broadcast-rows' | 'simd-im2col' | 'chunked-depthwise-filter' | 'im2col' | 'generic';

/**
 * Fewest input channels for the `'col2im'` input gradient: with fewer, its per-tap placement
 * (wasm pads with short innermost runs) costs more than the zero-inserted convolution saves.
 */
export const COL2IM_MIN_CIN = 8;

/**
 * Most input channels for the `'simd-im2col'` filter gradient. With few channels the generic
 * gradient is a convolution of a one- to few-image "batch" with a huge `dy` filter, which XNNPACK
 * runs far below its GEMM rate; with more (LeNet's conv2: 6) it is already faster than the windows.
 */
export const SIMD_IM2COL_MAX_CIN = 4;

/** Batch sizes below which a plain convolution's filter gradient takes `'im2col'` (the batch-as-channels convolution would have this few input channels). */
export const IM2COL_MIN_BATCH_BELOW = 16;

/**
 * The strategies the `NnkitConv2D` gradient takes for these shapes (all NHWC / kernel layout) on
 * the current backend (the `'simd-*'` strategies need nnkit's SIMD kernels: wasm only).
 *
 * @param x input `[B, H, W, C]`
 * @param filter `[kH, kW, Cin, Cout]`, or `[kH, kW, C, M]` when depthwise
 * @param dy output gradient `[B, Ho, Wo, Cout]`
 * @example
 * ```ts
 * convGradStrategy([8, 22, 1000, 8], [22, 1, 8, 2], [8, 1, 1000, 16], { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: true });
 * // { input: 'depthwise-broadcast', filter: 'chunked-depthwise-filter' }
 * ```
 */
export function convGradStrategy(
  x: readonly number[],
  filter: readonly number[],
  dy: readonly number[],
  a: NnkitConvAttrs,
): { input: ConvInputGradStrategy; filter: ConvFilterGradStrategy } {
  if (pointwiseConvApplies(x, filter, a)) return { input: 'pointwise', filter: 'pointwise' };
  const [kH, kW] = filter as [number, number];
  const [, Ho, Wo] = dy as [number, number, number];
  const broadcast =
    a.depthwise && Ho === 1 && kW === 1 && a.strides[1] === 1 && a.pad[2] === 0 && a.pad[3] === 0 && (a.dilations[0] === 1 || kH === 1) && x[2] === Wo;
  const spatial = depthwiseSpatialApply(x, filter, a);
  const simd = depthwiseRowsApply(x, filter, a);
  const simdBroadcast = broadcastRowsApply(x, filter, a);
  const chunked = a.depthwise && Ho === 1 && a.strides[1] === 1 && Wo > FAST_DEPTHWISE_TAPS;
  const [B, , , Cin] = x as [number, number, number, number];
  const dcols = dy[0]! * Ho * Wo * kH * kW * Cin;
  const col2im = !a.depthwise && (a.strides[0] > 1 || a.strides[1] > 1) && Cin >= COL2IM_MIN_CIN && dcols <= IM2COL_MAX_VALUES;
  // One output row from a one-column kernel (EEG spatial filters spanning the electrodes): the
  // generic path would convolve with a Wo-tap 'filter' (measured 3 × 1 over 64 × 1000: 6× slower).
  const im2col = !a.depthwise && (B < IM2COL_MIN_BATCH_BELOW || (Ho === 1 && kW === 1));
  // nnkit's SIMD window kernels (measured against the strategies they replace; see the table).
  const patches = !a.depthwise && simdPatchesActive();
  const Co = dy[3]!;
  const simdCol2im = patches && (Cin < COL2IM_MIN_CIN || a.strides[0] > 1 || a.strides[1] > 1 || fewWindowsProduct(dy[0]! * Ho * Wo, Co, kH * kW * Cin)) && dcols <= IM2COL_MAX_VALUES;
  const simdIm2col = patches && (Cin <= SIMD_IM2COL_MAX_CIN || im2col);
  return {
    input: spatial ? 'simd-depthwise-spatial' : broadcast ? 'depthwise-broadcast' : simdBroadcast ? 'simd-broadcast-rows' : simdCol2im ? 'simd-col2im' : col2im ? 'col2im' : 'generic',
    filter: spatial
      ? 'simd-depthwise-spatial'
      : simd
        ? 'simd-depthwise-rows'
        : simdBroadcast
          ? 'simd-broadcast-rows'
          : simdIm2col
            ? 'simd-im2col'
            : chunked
              ? 'chunked-depthwise-filter'
              : im2col
                ? 'im2col'
                : 'generic',
  };
}

/** `NnkitConv2D`'s gradient config (registered with nnkit's other gradients by `installKernels`). */
export const nnkitConv2DGrad: GradConfig = {
  kernelName: NNKIT_CONV,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, f] = saved as [Tensor, Tensor];
    const a = attrs as unknown as NnkitConvAttrs;
    const g = dy as Tensor;
    // An empty batch: nothing flows back (the backends' convolutions refuse empty operands).
    if (x.size === 0 || g.size === 0) return { x: () => zeros(x.shape), filter: () => zeros(f.shape) };
    return { x: () => convInputGrad(g, x, f, a), filter: () => convFilterGrad(g, x, f, a) };
  },
};

/** Inserts (s-1) zeros between spatial elements of y: [B, H, W, C] -> [B, (H-1)sh+1, (W-1)sw+1, C]. */
function zeroInsert(y: Tensor, sh: number, sw: number): Tensor {
  if (sh === 1 && sw === 1) return y;
  const [b, h, w, c] = y.shape as [number, number, number, number];
  const y6 = reshape(y, [b, h, 1, w, 1, c]);
  const p = pad(y6, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return slice(reshape(p, [b, h * sh, w * sw, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** Gradient w.r.t. the input: a stride-1 convolution of the zero-inserted dy with the flipped filter. */
export function convInputGrad(dy: Tensor, x: { readonly shape: readonly number[] }, f: Tensor, a: NnkitConvAttrs): Tensor {
  const strategy = convGradStrategy(x.shape, f.shape, dy.shape, a).input;
  if (strategy === 'pointwise') return pointwiseInputGrad(dy, f);
  if (strategy === 'simd-depthwise-spatial') return depthwiseSpatialInputGrad(dy, f, x.shape);
  if (strategy === 'depthwise-broadcast') return depthwiseBroadcastInputGrad(dy, x, f, a);
  if (strategy === 'simd-broadcast-rows') return broadcastRowsInputGrad(dy, f, x.shape[2]!, { taps: f.shape[1]!, dilation: a.dilations[1], padLeft: a.pad[2] });
  if (strategy === 'simd-col2im') return simdCol2imInputGrad(dy, x.shape, f, a);
  if (strategy === 'col2im') return col2imInputGrad(dy, x.shape, f, a);
  const [, H, W] = x.shape as [number, number, number, number];
  const [kH, kW] = f.shape as [number, number, number, number];
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  let d = zeroInsert(dy, sh, sw);
  let [, lh, lw] = d.shape as [number, number, number, number];
  let pt = (kH - 1) * dh - a.pad[0];
  let pb = H - lh + a.pad[0];
  let pl = (kW - 1) * dw - a.pad[2];
  let pr = W - lw + a.pad[2];
  // Negative padding: drop the rows/cols of dy that only reach the padded border.
  const bh = Math.max(0, -pt);
  const eh = Math.max(0, -pb);
  const bw = Math.max(0, -pl);
  const ew = Math.max(0, -pr);
  if (bh || eh || bw || ew) {
    d = slice(d, [0, bh, bw, 0], [d.shape[0]!, lh - bh - eh, lw - bw - ew, d.shape[3]!]);
    pt += bh;
    pb += eh;
    pl += bw;
    pr += ew;
    [, lh, lw] = d.shape as [number, number, number, number];
  }
  const p = [Math.max(0, pt), Math.max(0, pb), Math.max(0, pl), Math.max(0, pr)];
  const flipped = flipSpatial(f);
  if (a.depthwise) {
    const [, , C, M] = f.shape as [number, number, number, number];
    const fd = reshape(flipped, [kH, kW, C * M, 1]);
    const da: NnkitConvAttrs = { strides: [1, 1], dilations: [dh, dw], pad: p as NnkitConvAttrs['pad'], depthwise: true };
    // On wasm a one-row filter runs on nnkit's SIMD kernel (through NnkitConv2D), else on tfjs'.
    const g = depthwiseRowsApply(d.shape, fd.shape, da) ? (engine().runKernel(NNKIT_CONV, { x: d, filter: fd }, da as unknown as NamedAttrMap) as Tensor) : rawConv(d, fd, [1, 1], [dh, dw], p, true);
    return M === 1 ? g : sumInnerAxis(g, M);
  }
  const ft = transpose(flipped, [0, 1, 3, 2]);
  const pa: NnkitConvAttrs = { strides: [1, 1], dilations: [dh, dw], pad: p as NnkitConvAttrs['pad'], depthwise: false };
  // Where NnkitConv2D's forward pass would run this convolution on the pack-free product or as
  // Winograd's F(2 × 2, 3 × 3), so does the gradient: XNNPACK repacks the new flipped filter on
  // every call.
  if (winogradApplies(d.shape, ft.shape, pa) || winogradRowsApplies(d.shape, ft.shape, pa) || tilesConvApplies(d.shape, ft.shape, pa)) return engine().runKernel(NNKIT_CONV, { x: d, filter: ft }, pa as unknown as NamedAttrMap) as Tensor;
  return rawConv(d, ft, [1, 1], [dh, dw], p, false);
}

/**
 * Gradient w.r.t. the filter: a convolution whose "batch" is the input channels and whose
 * "filter" is dy (stride and dilation swap roles), sliced to the kernel size.
 */
export function convFilterGrad(dy: Tensor, x: Tensor, f: Tensor, a: NnkitConvAttrs): Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const [kH, kW] = f.shape as [number, number, number, number];
  const [, Ho, Wo, Co] = dy.shape as [number, number, number, number];
  const strategy = convGradStrategy(x.shape, f.shape, dy.shape, a).filter;
  if (strategy === 'pointwise') return pointwiseFilterGrad(x, dy);
  if (strategy === 'im2col') return im2colFilterGrad(dy, x, kH, kW, a);
  if (strategy === 'simd-im2col') return simdIm2colFilterGrad(dy, x, f.shape, a);
  if (strategy === 'simd-depthwise-spatial') return depthwiseSpatialFilterGrad(x, dy, f.shape[3]!);
  if (strategy === 'simd-depthwise-rows') return depthwiseRowsFilterGrad(x, dy, { taps: kW, dilation: a.dilations[1], padLeft: a.pad[2] });
  if (strategy === 'simd-broadcast-rows') return broadcastRowsFilterGrad(x, dy, { taps: kW, dilation: a.dilations[1], padLeft: a.pad[2] });
  // Use only as much bottom/right padding as the last window needs.
  const needH = (kH - 1) * a.dilations[0] + (Ho - 1) * a.strides[0] + 1;
  const needW = (kW - 1) * a.dilations[1] + (Wo - 1) * a.strides[1] + 1;
  let xx = x;
  let pb = needH - H - a.pad[0];
  let pr = needW - W - a.pad[2];
  if (pb < 0 || pr < 0) {
    xx = slice(x, [0, 0, 0, 0], [B, H + Math.min(0, pb), W + Math.min(0, pr), C]);
    pb = Math.max(0, pb);
    pr = Math.max(0, pr);
  }
  const p = [a.pad[0], pb, a.pad[2], pr];
  if (a.depthwise) {
    const M = Co / C;
    if (strategy === 'chunked-depthwise-filter') return chunkedDepthwiseFilterGrad(dy, xx, p, kH, kW, C, M, a);
    const [, h2, w2] = xx.shape as [number, number, number, number];
    const xs = reshape(transpose(xx, [1, 2, 0, 3]), [1, h2, w2, B * C]);
    const fs = reshape(transpose(reshape(dy, [B, Ho * Wo, C * M]), [1, 0, 2]), [Ho, Wo, B * C, M]);
    const g = rawConv(xs, fs, a.dilations, a.strides, p, true); // [1, kH, kW, B*C*M]
    return reshape(sum(reshape(g, [kH * kW, B, C * M]), 1), [kH, kW, C, M]);
  }
  const xs = transpose(xx, [3, 1, 2, 0]); // [C, H, W, B]
  const fs = transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, B, Co]
  const g = rawConv(xs, fs, a.dilations, a.strides, p, false); // [C, kH, kW, Co]
  return transpose(g, [1, 2, 0, 3]);
}

/** Rows of the filter that hit input rows 0..H-1 of the single output row: [H, C, M], zero where none. */
function filterRows(f: Tensor, H: number, top: number): Tensor {
  const [kH, , C, M] = f.shape as [number, number, number, number];
  const f3 = reshape(f, [kH, C, M]);
  const before = Math.max(0, -top);
  const after = Math.max(0, top + H - kH);
  const fp = before || after ? pad(f3, [[before, after], [0, 0], [0, 0]]) : f3;
  return slice(fp, [top + before, 0, 0], [H, C, M]);
}

/**
 * The `'depthwise-broadcast'` input gradient (a depthwise convolution whose kernel spans the
 * whole padded height — one output row — 1 wide along W: EEGNet's spatial filter; the generic
 * gradient would convolve dy padded by kH − 1 rows, kH× the work): dx[b,h,w,c] = Σ_m dy[b,0,w,c·M+m]·f[h+padTop,0,c,m]. */
function depthwiseBroadcastInputGrad(dy: Tensor, x: { readonly shape: readonly number[] }, f: Tensor, a: NnkitConvAttrs): Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const M = f.shape[3]!;
  const fr = filterRows(f, H, a.pad[0]);
  if (M === 1) return mul(reshape(dy, [B, 1, W, C]), reshape(fr, [1, H, 1, C]));
  // Σ_m as M broadcast products of contiguous planes (a sum over a short innermost axis is slow).
  const dyM = transpose(reshape(dy, [B * W * C, M])); // [M, B·W·C]
  const frM = transpose(reshape(fr, [H * C, M])); // [M, H·C]
  let dx: Tensor | null = null;
  for (let m = 0; m < M; m++) {
    const t = mul(reshape(slice(dyM, [m, 0], [1, B * W * C]), [B, 1, W, C]), reshape(slice(frM, [m, 0], [1, H * C]), [1, H, 1, C]));
    dx = dx === null ? t : add(dx, t);
  }
  return dx!;
}

/**
 * Sum over the innermost `M` values of each channel group: `[..., C·M]` → `[..., C]`. As `M`
 * contiguous planes added (a reduction over a short innermost axis is slow on wasm).
 */
function sumInnerAxis(t: Tensor, M: number): Tensor {
  const outShape = [...t.shape.slice(0, -1), t.shape[t.rank - 1]! / M];
  const n = t.size / M;
  const planes = transpose(reshape(t, [n, M])); // [M, n]
  let acc: Tensor | null = null;
  for (let m = 0; m < M; m++) {
    const p = slice(planes, [m, 0], [1, n]);
    acc = acc === null ? p : add(acc, p);
  }
  return reshape(acc!, outShape);
}

/**
 * The filter `[kH, kW, I, O]` flipped in both spatial axes (the transposed convolution's filter):
 * its kH·kW contiguous rows gathered in reverse order, one `GatherV2` (nnkit's wasm `GatherV2`
 * copies whole rows; tfjs-backend-wasm's `Reverse` copies element by element, 10–50× slower).
 */
export function flipSpatial(f: Tensor): Tensor {
  const [kH, kW, I, O] = f.shape as [number, number, number, number];
  const n = kH * kW;
  if (n === 1) return f;
  return tidy(() => {
    const reversed = tensor1d(Int32Array.from({ length: n }, (_, i) => n - 1 - i), 'int32');
    return reshape(gather(reshape(f, [n, I * O]), reversed), [kH, kW, I, O]);
  });
}

