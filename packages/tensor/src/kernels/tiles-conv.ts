import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from './conv-nhwc.js';
import { mmTiles, TILE_COLUMNS, tilesActive } from './simd/matmul-tiles.js';
import { pointwiseConvApplies } from './pointwise-conv.js';
import { heapOffset, wasmHeap } from './simd/wasm-module.js';
import { im2colRows, patchesAttrs, simdPatchesActive } from './simd/patches.js';

/**
 * A plain convolution's forward pass as one product on nnkit's pack-free SIMD kernel
 * (`simd/matmul-tiles.wat`): the windows of the NHWC input as rows (`im2col_rows`, taps in HWC
 * order) times the HWIO filter, which is already the `[kH·kW·Cin, Cout]` matrix; a `1 × 1`
 * convolution at stride 1 without padding is the product of the input itself.
 *
 * Why: tfjs-backend-wasm's `Conv2D` (XNNPACK) re-creates its operator whenever the filter tensor
 * is new — every training step, every `conv2d` call on a PyTorch-layout weight — transposing and
 * packing the filter first, and its GEMM repacks a new right operand the same way. Measured
 * 2026-12-03 on `[64, 4032] · [4032, 384]` (Inception's Mixed_7b 3 × 3 at batch 1): XNNPACK 7.3 ms
 * with its packed operand cached, 20.7 ms with a new one; this kernel 7.0 ms, packing nothing.
 * At `[512, 4032] · [4032, 384]` 62 against 59 (cached) and 71 ms (new).
 *
 * Every output is the running sum over the taps in float32 whichever tile computes it, so a
 * sample's output does not depend on its batch; the window rows are made a few samples at a time
 * (at most {@link TILES_CONV_MAX_WINDOW_VALUES} values), which changes no sum.
 */

/** Most values of the window matrix made at once (16 MiB); at least one sample's windows. */
export const TILES_CONV_MAX_WINDOW_VALUES = 4 * 1024 * 1024;

/**
 * Fewest output channels for the window-matrix path: writing the window rows costs about what a
 * product with this many columns costs to compute. Measured 2026-12-03 against XNNPACK in one
 * process: LeNet's `5 × 5` 6 → 16 3.1 ms against 1.6; Inception's `3 × 3` 32 → 32 on 147² 1.12×
 * at batch 1 and 8; 96 → 96 0.95×, 288 → 384 0.74–0.89×, 448 → 384 0.71–0.85×. A pointwise
 * convolution makes no window rows and takes any `Cout` (64 → 80: 0.79–0.86×).
 */
export const TILES_CONV_MIN_OUT_CHANNELS = 64;

/**
 * Most taps (`kH·kW·Cin`) for which {@link TILES_CONV_FEW_TAPS_MIN_OUT_CHANNELS} output channels
 * suffice: XNNPACK's convolution is slowest on such short windows (Inception's stem, `3 × 3` on 3
 * channels → 32: 0.90× at batch 1, 1.03× at batch 8).
 */
export const TILES_CONV_FEW_TAPS = 32;

/** Fewest output channels for the window-matrix path with at most {@link TILES_CONV_FEW_TAPS} taps. */
export const TILES_CONV_FEW_TAPS_MIN_OUT_CHANNELS = 32;

/**
 * Whether `NnkitConv2D` runs this forward pass on the pack-free product: a plain (not depthwise)
 * convolution, non-empty, at least {@link TILE_COLUMNS} output channels and, unless pointwise (`1 × 1`,
 * stride 1, unpadded), at least {@link TILES_CONV_MIN_OUT_CHANNELS} (or
 * {@link TILES_CONV_FEW_TAPS_MIN_OUT_CHANNELS} with at most {@link TILES_CONV_FEW_TAPS} taps), on
 * tfjs-backend-wasm with nnkit's SIMD window and product kernels.
 *
 * @param x input `[B, H, W, Cin]`; filter `[kH, kW, Cin, Cout]`
 * @example `tilesConvApplies([1, 8, 8, 448], [3, 3, 448, 384], attrs) // Inception's Mixed_7b 3 × 3`
 */
export function tilesConvApplies(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const Cout = filter[3]!;
  const pointwise = pointwiseConvApplies(x, filter, a);
  return (
    !a.depthwise &&
    x.length === 4 &&
    x.every((d) => d > 0) &&
    filter.every((d) => d > 0) &&
    Cout >= TILE_COLUMNS &&
    (pointwise || Cout >= TILES_CONV_MIN_OUT_CHANNELS || (filter[0]! * filter[1]! * filter[2]! <= TILES_CONV_FEW_TAPS && Cout >= TILES_CONV_FEW_TAPS_MIN_OUT_CHANNELS)) &&
    tilesActive() &&
    simdPatchesActive()
  );
}

/**
 * The forward pass inside `NnkitConv2D`'s kernel function (the caller checked
 * {@link tilesConvApplies} and that the output is not empty).
 *
 * @param x `[B, H, W, Cin]`; filter `[kH, kW, Cin, Cout]`
 * @returns `[B, Ho, Wo, Cout]`
 */
export function runTilesConv(backend: object, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs, out: [number, number, number, number]): TensorInfo {
  const b = wasmHeap(backend);
  const [B, , , Cin] = x.shape as [number, number, number, number];
  const [kH, kW, , Cout] = filter.shape as [number, number, number, number];
  const [, Ho, Wo] = out;
  const y = b.makeOutput(out, 'float32');
  const K = kH * kW * Cin;
  if (pointwiseConvApplies(x.shape, filter.shape, a)) {
    // Offsets read after makeOutput: allocating may grow the memory.
    mmTiles(b, heapOffset(b, x), heapOffset(b, filter), heapOffset(b, y), B * Ho * Wo, Cin, Cout, 4 * Cin, 4);
    return y;
  }
  const pa = patchesAttrs(x.shape, filter.shape, out, a);
  const per = Math.max(1, Math.floor(TILES_CONV_MAX_WINDOW_VALUES / (Ho * Wo * K)));
  for (let b0 = 0; b0 < B; b0 += per) {
    const n = Math.min(per, B - b0);
    const cols = im2colRows(b, x, pa, b0, n);
    const rows = n * Ho * Wo;
    mmTiles(b, heapOffset(b, cols), heapOffset(b, filter), heapOffset(b, y) + b0 * Ho * Wo * Cout * 4, rows, K, Cout, 4 * K, 4);
    b.disposeData(cols.dataId);
  }
  return y;
}
