import { add, engine, getBackend, matMul, reshape, slice, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { hasTallMatMul, TALL_MATMUL_MIN_RATIO, tilesMatMulApplies } from '../simd/matmul-tall.js';
import { col2imRows, im2colColumns, patchesAttrs } from '../simd/patches.js';
import { IM2COL_MAX_VALUES } from './conv-im2col-grad.js';

/**
 * The `'simd-im2col'` filter gradient of a plain NHWC convolution: the input's windows as columns
 * (`colsT`, `[kH·kW·Cin, B·Ho·Wo]`, nnkit's SIMD im2col; with one channel each row is runs of `Wo`
 * neighbouring values), then one GEMM `colsT · dy` (`[kH·kW·Cin, Cout]`: the filter in HWIO order)
 * per chunk of the batch of at most `maxValues` window values, the chunks' products summed.
 *
 * @param dy `[B, Ho, Wo, Cout]`; x `[B, H, W, Cin]`; filterShape `[kH, kW, Cin, Cout]`
 * @param maxValues the most window values built at once (tests use a small one to exercise the chunking)
 * @returns `[kH, kW, Cin, Cout]`
 * @example `simdIm2colFilterGrad(dy, x, [5, 5, 1, 6], { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: false })`
 */
export function simdIm2colFilterGrad(dy: Tensor, x: Tensor, filterShape: readonly number[], a: NnkitConvAttrs, maxValues = IM2COL_MAX_VALUES): Tensor {
  return tidy(() => {
    const [B, H, W, C] = x.shape as [number, number, number, number];
    const [kH, kW, , Co] = filterShape as [number, number, number, number];
    const [, Ho, Wo] = dy.shape as [number, number, number, number];
    const chunk = Math.max(1, Math.floor(maxValues / (Ho * Wo * kH * kW * C)));
    let acc: Tensor | null = null;
    for (let b0 = 0; b0 < B; b0 += chunk) {
      const nb = Math.min(chunk, B - b0);
      const prev: Tensor | null = acc;
      acc = tidy((): Tensor => {
        const xb = nb === B ? x : slice(x, [b0, 0, 0, 0], [nb, H, W, C]);
        const dyb = nb === B ? dy : slice(dy, [b0, 0, 0, 0], [nb, Ho, Wo, Co]);
        const colsT = im2colColumns(xb, patchesAttrs(xb.shape, filterShape, dyb.shape, a));
        const g = matMul(colsT, reshape(dyb, [nb * Ho * Wo, Co])); // [K, Co]
        return prev === null ? g : add(prev, g);
      });
      prev?.dispose();
    }
    return reshape(acc!, [kH, kW, C, Co]);
  });
}

/**
 * The `'simd-col2im'` input gradient of a plain NHWC convolution: one GEMM `dy · Wᵀ` (the
 * gradient of every window, `[B·Ho·Wo, kH·kW·Cin]`), then each window added back in place by
 * nnkit's SIMD col2im. No zero-inserted `dy` (a strided convolution's transposed convolution does
 * stride²× the work) and no convolution into few output channels (`Cin`), which XNNPACK runs slowly.
 *
 * @param dy `[B, Ho, Wo, Cout]`; xShape `[B, H, W, Cin]`; f `[kH, kW, Cin, Cout]`
 * @returns `[B, H, W, Cin]`
 * @example `simdCol2imInputGrad(dy, [32, 14, 14, 6], f, { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: false })`
 */
export function simdCol2imInputGrad(dy: Tensor, xShape: readonly number[], f: Tensor, a: NnkitConvAttrs): Tensor {
  return tidy(() => {
    const [kH, kW, C, Co] = f.shape as [number, number, number, number];
    const [B, Ho, Wo] = dy.shape as [number, number, number, number];
    const M = B * Ho * Wo;
    const K = kH * kW * C;
    const dy2 = reshape(dy, [M, Co]);
    // Wᵀ made explicit for XNNPACK: wasm's GEMM with a transposed right operand is ~18× slower (measured).
    const dcols = fewWindowsProduct(M, Co, K) ? transpose(matMul(reshape(f, [K, Co]), transpose(dy2))) : matMul(dy2, transpose(reshape(f, [K, Co]))); // [M, K]
    return col2imRows(dcols, patchesAttrs(xShape, f.shape, dy.shape, a));
  });
}

/**
 * Whether a convolution's window gradients `dcols = dy · Wᵀ` (`[M, Co] · [Co, K]`: M windows,
 * Co output channels, K = kH·kW·Cin) run as `dcolsᵀ = W · dyᵀ` on nnkit's pack-free SIMD product
 * (`simd/matmul-tiles.ts`, `W` the HWIO filter as it is): few windows against many output channels
 * (Co ≥ 2·M, M at least `TILE_COLUMNS` (8), on wasm with SIMD) — Inception's 8 × 8 layers at
 * batch 1. XNNPACK repacks the new filter on every call (every training step); measured
 * 2026-12-03, `[64, 384] · [384, 4032]` 19 ms against 12–18 ms as `(Wᵀ)ᵀ · dyᵀ` on nnkit's
 * product, 4.7 ms now on the tiles without the transpose of `W` (0.5 ms).
 *
 * @example `fewWindowsProduct(64, 384, 4032) // true on wasm with SIMD (Mixed_7b's 3 × 3 at b1)`
 */
export function fewWindowsProduct(M: number, Co: number, K: number): boolean {
  return getBackend() === 'wasm' && hasTallMatMul(engine().backend) && Co >= TALL_MATMUL_MIN_RATIO * M && tilesMatMulApplies([K, Co], [Co, M], false, false);
}
