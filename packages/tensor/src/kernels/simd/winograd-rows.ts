import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './winograd-rows-binary.js';
import { SimdModule } from './wasm-module.js';
import { runWinogradProducts, winogradShapesFit } from './winograd.js';

interface WinogradRowsExports {
  /** `u[ξ, q] = (G g)[ξ]` for the `K` columns of a `1 × 7` or `7 × 1` HWIO filter; u `[10, K]`. */
  w7_filter(f: number, u: number, K: number): void;
  /** `v[ξ, t − t0, :] = (Bᵀ d)[ξ]` for tiles `t0 ≤ t < t0 + n` (axis 1: along W, 0: along H); v `[10, n, C]`. */
  w7_input(x: number, v: number, zero: number, H: number, W: number, C: number, pT: number, pL: number, axis: number, nI: number, nJ: number, t0: number, n: number): void;
  /** The tiles' 2 outputs `(Aᵀ m)` written to the NHWC output; m `[10, n, Co]`. */
  w7_output(m: number, y: number, dump: number, Ho: number, Wo: number, Co: number, axis: number, nI: number, nJ: number, t0: number, n: number): void;
}

const simd = new SimdModule<WinogradRowsExports>(BASE64);

/** Products per tile of 2 outputs: F(2, 3) twice and one tap alone. */
const PRODUCTS = 10;

/*
 * Winograd's minimal filtering along one axis for Inception's factorised `1 × 7` and `7 × 1`
 * layers. Why: such a layer takes 7 multiply-adds per output and input channel by its definition;
 * split 3 + 3 + 1 taps, each 3-tap piece as F(2, 3) (4 products per 2 outputs) and the last tap
 * directly (2), it takes 10 products per 2 outputs, 5 per output, the transforms adds only. F(2, 7)
 * in one piece (Toom-Cook with the points 0, ±1, ±2, ±1/2, ∞) takes 4 but its constants (up to
 * 5.25 in Bᵀ) made it ~10× less accurate in float32: a property test found an input gradient
 * 1.3e-5 off float64 (relative to 1 + |value|), above the 1e-5 every convolution kernel is held
 * to; simulated with 192 channels, 1.4e-5 against 1.9e-6 for the split.
 */

/**
 * Whether `NnkitConv2D` runs this convolution as F(2, 3) pieces along its axis on nnkit's SIMD kernels
 * (`simd/winograd-rows.wat` and `simd/matmul-tiles.wat`): a plain `1 × 7` or `7 × 1` convolution at
 * stride 1 and dilation 1 (any zero padding) whose shapes fit `winogradShapesFit` (`winograd.ts`;
 * tiles of 2 outputs), on tfjs-backend-wasm with SIMD. The input gradient of such a layer is one too.
 *
 * @param x input `[B, H, W, Cin]`; filter `[1, 7, Cin, Cout]` or `[7, 1, Cin, Cout]`
 * @example `winogradRowsApplies([1, 17, 17, 192], [1, 7, 192, 192], attrs) // Inception's Mixed_6e`
 */
export function winogradRowsApplies(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const [kH, kW] = filter as [number, number];
  if (!((kH === 1 && kW === 7) || (kH === 7 && kW === 1)) || x.length !== 4) return false;
  const Ho = x[1]! + a.pad[0] + a.pad[1] - kH + 1;
  const Wo = x[2]! + a.pad[2] + a.pad[3] - kW + 1;
  const tiles = kW === 7 ? Ho * Math.ceil(Wo / 2) : Math.ceil(Ho / 2) * Wo;
  return Ho > 0 && Wo > 0 && winogradShapesFit(x, filter, a, tiles) && simd.active();
}

/**
 * Kernel-level: the convolution as F(2, 3) pieces (the caller checked {@link winogradRowsApplies}),
 * by `runWinogradProducts` (`winograd.ts`).
 *
 * @param x `[B, H, W, Cin]`; filter `[1, 7, Cin, Cout]` or `[7, 1, Cin, Cout]`
 * @returns `[B, Ho, Wo, Cout]`
 */
export function runWinogradRows(backend: object, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs, out: [number, number, number, number]): TensorInfo {
  const [B, H, W, Cin] = x.shape as [number, number, number, number];
  const Cout = filter.shape[3]!;
  const [, Ho, Wo] = out;
  const axis = filter.shape[1] === 7 ? 1 : 0;
  const nI = axis === 1 ? Ho : Math.ceil(Ho / 2);
  const nJ = axis === 1 ? Math.ceil(Wo / 2) : Wo;
  const k = simd.on(backend)!;
  return runWinogradProducts(backend, x, filter, out, {
    products: PRODUCTS,
    tiles: B * nI * nJ,
    filter: (f, u) => k.w7_filter(f, u, Cin * Cout),
    input: (px, v, zero, t0, n) => k.w7_input(px, v, zero, H, W, Cin, a.pad[0], a.pad[2], axis, nI, nJ, t0, n),
    output: (m, y, dump, t0, n) => k.w7_output(m, y, dump, Ho, Wo, Cout, axis, nI, nJ, t0, n),
  });
}

/**
 * Instantiates `winograd-rows.wat` on tfjs-backend-wasm's memory (idempotent; awaited by
 * `installKernels('wasm')`; nothing happens without SIMD). `NnkitConv2D` calls it.
 *
 * @returns whether the kernel is in use on this backend.
 */
export async function installWinogradRows(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend);
}
