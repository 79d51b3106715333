import { engine, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './broadcast-rows-binary.js';
import { rowsFilterGradKernel, rowsGeometryFits, runRows, runRowsFilterGrad, type RowsFilterGradAttrs, type RowsFn } from './rows-conv.js';
import { heapOffset as offset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for plain `1 × K` convolutions of a one-channel input into O output
 * channels (`Conv2d(1, F, (1, K))`: a first temporal layer over rows of samples), built from
 * `broadcast-rows.wat`. XNNPACK runs this shape at ~7 GMAC/s forward, and tfjs has no filter
 * gradient for it (nnkit's generic one transposes the input and output gradient first).
 */
interface BroadcastExports {
  /** `y[r, w, o] = Σ_k f[k, o]·x[r, w − pL + k·d]`. */
  bc_rows: RowsFn;
  /** `g[k, o] = Σ_{r, w} x[r, w − pL + k·d]·dy[r, w, o]`. */
  bc_rows_filter_grad: RowsFn;
  /** `dx[r, i] = Σ_k Σ_o f[k, o]·dy[r, i + pL − k·d, o]` (taps outside dy skipped); called with dy, f, dx. */
  bc_rows_input_grad: RowsFn;
}

/** Name of the filter-gradient kernel (wasm only): inputs `x` `[B, H, W, 1]`, `dy` `[B, H, Wo, O]`; attributes {@link RowsFilterGradAttrs}; output `[1, K, 1, O]`. */
export const NNKIT_BROADCAST_ROWS_FILTER_GRAD = 'NnkitBroadcastRowsFilterGrad';

/** Name of the input-gradient kernel (wasm only): inputs `dy` `[B, H, Wo, O]`, `filter` `[1, K, 1, O]`; attributes {@link RowsFilterGradAttrs} and `inWidth`; output `[B, H, inWidth, 1]`. */
export const NNKIT_BROADCAST_ROWS_INPUT_GRAD = 'NnkitBroadcastRowsInputGrad';

const simd = new SimdModule<BroadcastExports>(BASE64);

/**
 * Whether `NnkitConv2D` with these shapes runs on the broadcast-rows SIMD kernel: a plain
 * convolution of one input channel with a one-row kernel at stride 1 without H padding, into a
 * multiple of 4 output channels, with a non-empty output, on tfjs-backend-wasm with SIMD.
 *
 * @param x input `[B, H, W, 1]`; `filter` `[1, K, 1, O]`
 */
export function broadcastRowsApply(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const O = filter[3]!;
  return !a.depthwise && filter[2] === 1 && O > 0 && O % 4 === 0 && rowsGeometryFits(x, filter, a) && simd.active();
}

/** The forward pass on the SIMD kernel inside a kernel function (the caller checked {@link broadcastRowsApply}): `[B, H, Wo, O]`. */
export function runBroadcastRows(backend: KernelBackend, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs): TensorInfo {
  return runRows(backend, simd.on(backend)!.bc_rows, x, filter, a, filter.shape[3]!);
}

const inputGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as RowsFilterGradAttrs & { inWidth: number };
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, Wo, O] = dy.shape as [number, number, number, number];
  const dx = b.makeOutput([B, H, a.inWidth, 1], 'float32');
  simd.on(backend)!.bc_rows_input_grad(offset(b, dy), offset(b, filter), offset(b, dx), B * H, a.inWidth, Wo, O, a.taps, a.dilation, a.padLeft);
  return dx;
};

/**
 * Instantiates the kernels on tfjs-backend-wasm's memory and registers the filter-gradient
 * and input-gradient kernels (idempotent; awaited by `installKernels('wasm')`). Nothing happens without SIMD.
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installBroadcastRows(backend: object | null | undefined): Promise<boolean> {
  const kernelFunc = rowsFilterGradKernel((b) => simd.on(b)!.bc_rows_filter_grad, (taps, O) => [1, taps, 1, O]);
  return simd.install(backend, [
    { kernelName: NNKIT_BROADCAST_ROWS_FILTER_GRAD, kernelFunc },
    { kernelName: NNKIT_BROADCAST_ROWS_INPUT_GRAD, kernelFunc: inputGradKernel },
  ]);
}

/**
 * The filter gradient of a {@link broadcastRowsApply} convolution, on the SIMD kernel.
 *
 * @param x input `[B, H, W, 1]`; dy `[B, H, Wo, O]`
 * @returns `[1, taps, 1, O]`
 * @example `broadcastRowsFilterGrad(x, dy, { taps: 32, dilation: 1, padLeft: 15 })`
 */
export function broadcastRowsFilterGrad(x: Tensor, dy: Tensor, a: RowsFilterGradAttrs): Tensor {
  return runRowsFilterGrad(NNKIT_BROADCAST_ROWS_FILTER_GRAD, x, dy, a);
}

/**
 * The input gradient of a {@link broadcastRowsApply} convolution, on the SIMD kernel: each input
 * position's taps summed over the output channels (four positions at a time). The generic
 * gradient convolved `dy` with the flipped filter into one channel, which XNNPACK runs as a
 * one-column GEMM (measured 2026-12-03 at `[64, 22, 1000, 8]` with 32 taps: ~260 ms).
 *
 * @param dy `[B, H, Wo, O]`; filter `[1, taps, 1, O]`; inWidth the input's W
 * @returns `[B, H, inWidth, 1]`
 * @example `broadcastRowsInputGrad(dy, f, 1000, { taps: 32, dilation: 1, padLeft: 15 })`
 */
export function broadcastRowsInputGrad(dy: Tensor, filter: Tensor, inWidth: number, a: RowsFilterGradAttrs): Tensor {
  return engine().runKernel(NNKIT_BROADCAST_ROWS_INPUT_GRAD, { dy, filter }, { ...a, inWidth } as unknown as NamedAttrMap) as Tensor;
}
