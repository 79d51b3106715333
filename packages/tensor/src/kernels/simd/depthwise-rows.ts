import type { KernelBackend, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './depthwise-rows-binary.js';
import { rowsFilterGradKernel, rowsGeometryFits, runRows, runRowsFilterGrad, type RowsFilterGradAttrs, type RowsFn } from './rows-conv.js';
import { SimdModule } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for depthwise convolutions whose kernel is one row (`1 × K`: EEG
 * temporal filters, separable convolutions) — the case where tfjs-backend-wasm's XNNPACK kernel
 * is slowest (fast only for 4, 9 and 25 taps, and ~3.4 GMAC/s at best) and has no filter gradient.
 * Built from `depthwise-rows.wat` (see the package README); the module shares tfjs-backend-wasm's
 * memory, so it reads and writes tensors in place.
 */
interface RowsExports {
  /** `y[r, w, c] = Σ_k f[k, c]·x[r, w − pL + k·d, c]`. */
  dw_rows: RowsFn;
  /** `g[k, c] = Σ_{r, w} x[r, w − pL + k·d, c]·dy[r, w, c]`. */
  dw_rows_filter_grad: RowsFn;
}

/**
 * Name of the filter-gradient kernel (wasm only): inputs `x` `[B, H, W, C]` and `dy`
 * `[B, H, Wo, C]`; attributes {@link RowsFilterGradAttrs}; output `[1, K, C, 1]`.
 */
export const NNKIT_DEPTHWISE_ROWS_FILTER_GRAD = 'NnkitDepthwiseRowsFilterGrad';

const simd = new SimdModule<RowsExports>(BASE64);

/**
 * Instantiates the kernels on tfjs-backend-wasm's memory and registers the filter-gradient kernel
 * (idempotent; awaited by `installKernels('wasm')`). Does nothing where WebAssembly SIMD is missing
 * or the backend's memory is shared: convolutions then keep XNNPACK's kernels.
 *
 * @returns whether the kernels are in use on this backend.
 * @example `await installDepthwiseRows(tf.findBackend('wasm'))`
 */
export async function installDepthwiseRows(backend: object | null | undefined): Promise<boolean> {
  const kernelFunc = rowsFilterGradKernel((b) => simd.on(b)!.dw_rows_filter_grad, (taps, C) => [1, taps, C, 1]);
  return simd.install(backend, [{ kernelName: NNKIT_DEPTHWISE_ROWS_FILTER_GRAD, kernelFunc }]);
}

/**
 * Whether the current backend runs 1 × K depthwise convolutions over `channels` channels on
 * nnkit's SIMD kernel: at the same speed per multiply-add for every tap count (XNNPACK is fast
 * only for 4, 9 and 25 taps), so long filters need not be cut into pieces. True on
 * tfjs-backend-wasm with WebAssembly SIMD, after `initBackend()`, for a positive multiple of 4
 * channels.
 *
 * @example
 * ```ts
 * await initBackend('wasm');
 * hasSimdDepthwise(16); // true: a 1 × 64 depthwise filter over 16 channels runs in one pass
 * ```
 */
export function hasSimdDepthwise(channels: number): boolean {
  return channels > 0 && channels % 4 === 0 && simd.active();
}

/**
 * Whether `NnkitConv2D` with these shapes runs on the SIMD kernel: depthwise, multiplier 1, a
 * one-row kernel at stride 1 without H padding, a multiple of 4 channels, and a non-empty output.
 *
 * @param x input `[B, H, W, C]`; `filter` `[1, K, C, 1]`
 */
export function depthwiseRowsApply(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  return a.depthwise && filter[3] === 1 && rowsGeometryFits(x, filter, a) && hasSimdDepthwise(filter[2]!);
}

/**
 * The forward pass on the SIMD kernel, inside a kernel function (`x` `[B, H, W, C]`, `filter`
 * `[1, K, C, 1]`; the caller checked {@link depthwiseRowsApply}). Returns `[B, H, Wo, C]`.
 */
export function runDepthwiseRows(backend: KernelBackend, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs): TensorInfo {
  return runRows(backend, simd.on(backend)!.dw_rows, x, filter, a, x.shape[3]!);
}

/**
 * The filter gradient of a {@link depthwiseRowsApply} convolution, on the SIMD kernel.
 *
 * @param x input `[B, H, W, C]`
 * @param dy output gradient `[B, H, Wo, C]`
 * @returns `[1, taps, C, 1]`
 * @example `depthwiseRowsFilterGrad(x, dy, { taps: 32, dilation: 1, padLeft: 16 })`
 */
export function depthwiseRowsFilterGrad(x: Tensor, dy: Tensor, a: RowsFilterGradAttrs): Tensor {
  return runRowsFilterGrad(NNKIT_DEPTHWISE_ROWS_FILTER_GRAD, x, dy, a);
}
