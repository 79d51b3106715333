import { engine, getBackend, registerKernel, getKernel, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './depthwise-rows-binary.js';
import { heapOffset as offset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for depthwise convolutions whose kernel is one row (`1 × K`: EEG
 * temporal filters, separable convolutions) — the case where tfjs-backend-wasm's XNNPACK kernel
 * is slowest (fast only for 4, 9 and 25 taps, and ~3.4 GMAC/s at best) and has no filter gradient.
 * Built from `depthwise-rows.wat` (see the package README); the module shares tfjs-backend-wasm's
 * memory, so it reads and writes tensors in place.
 */
interface RowsExports {
  /** `y[r, w, c] = Σ_k f[k, c]·x[r, w − pL + k·d, c]`; byte offsets, then R, Win, Wout, C, K, d, pL. */
  dw_rows(x: number, f: number, y: number, R: number, Win: number, Wout: number, C: number, K: number, d: number, pL: number): void;
  /** `g[k, c] = Σ_{r, w} x[r, w − pL + k·d, c]·dy[r, w, c]`; same arguments as `dw_rows` with dy, g. */
  dw_rows_filter_grad(x: number, dy: number, g: number, R: number, Win: number, Wout: number, C: number, K: number, d: number, pL: number): void;
}

/**
 * Name of the filter-gradient kernel (wasm only): inputs `x` `[B, H, W, C]` and `dy`
 * `[B, H, Wo, C]`; attributes {@link DepthwiseRowsFilterGradAttrs}; output `[1, K, C, 1]`.
 */
export const NNKIT_DEPTHWISE_ROWS_FILTER_GRAD = 'NnkitDepthwiseRowsFilterGrad';

/** Attributes of {@link NNKIT_DEPTHWISE_ROWS_FILTER_GRAD}: taps, dilation and left padding along W. */
export interface DepthwiseRowsFilterGradAttrs {
  taps: number;
  dilation: number;
  padLeft: number;
}

const simd = new SimdModule<RowsExports>(BASE64);

function rows(backend: object): RowsExports | null {
  return simd.on(backend);
}

/**
 * Instantiates the kernels on tfjs-backend-wasm's memory and registers the filter-gradient kernel
 * (idempotent; awaited by `installKernels('wasm')`). Does nothing where WebAssembly SIMD is missing
 * or the backend's memory is shared: convolutions then keep XNNPACK's kernels.
 *
 * @returns whether the kernels are in use on this backend.
 * @example `await installDepthwiseRows(tf.findBackend('wasm'))`
 */
export async function installDepthwiseRows(backend: object | null | undefined): Promise<boolean> {
  if (!(await simd.install(backend))) return false;
  if (getKernel(NNKIT_DEPTHWISE_ROWS_FILTER_GRAD, 'wasm') === undefined) {
    registerKernel({ kernelName: NNKIT_DEPTHWISE_ROWS_FILTER_GRAD, backendName: 'wasm', kernelFunc: filterGradKernel });
  }
  return true;
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
  return channels > 0 && channels % 4 === 0 && getBackend() === 'wasm' && rows(engine().backend) !== null;
}

/**
 * Whether `NnkitConv2D` with these shapes runs on the SIMD kernel: depthwise, multiplier 1, a
 * one-row kernel at stride 1 without H padding, a multiple of 4 channels, and a non-empty output.
 *
 * @param x input `[B, H, W, C]`; `filter` `[1, K, C, 1]`
 */
export function depthwiseRowsApply(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const [kH, kW, C, M] = filter as [number, number, number, number];
  const W = x[2]!;
  return (
    a.depthwise &&
    kH === 1 &&
    M === 1 &&
    a.strides[0] === 1 &&
    a.strides[1] === 1 &&
    a.pad[0] === 0 &&
    a.pad[1] === 0 &&
    x.every((d) => d > 0) &&
    W + a.pad[2] + a.pad[3] - (kW - 1) * a.dilations[1] >= 1 &&
    hasSimdDepthwise(C)
  );
}

/**
 * The forward pass on the SIMD kernel, inside a kernel function (`x` `[B, H, W, C]`, `filter`
 * `[1, K, C, 1]`; the caller checked {@link depthwiseRowsApply}). Returns `[B, H, Wo, C]`.
 */
export function runDepthwiseRows(backend: KernelBackend, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs): TensorInfo {
  const k = rows(backend)!;
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const K = filter.shape[1]!;
  const Wo = W + a.pad[2] + a.pad[3] - (K - 1) * a.dilations[1];
  const y = b.makeOutput([B, H, Wo, C], 'float32');
  // Offsets read after makeOutput: allocating may grow the memory (the offsets stay valid).
  k.dw_rows(offset(b, x), offset(b, filter), offset(b, y), B * H, W, Wo, C, K, a.dilations[1], a.pad[2]);
  return y;
}

const filterGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as DepthwiseRowsFilterGradAttrs;
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const g = b.makeOutput([1, a.taps, C, 1], 'float32');
  rows(backend)!.dw_rows_filter_grad(offset(b, x), offset(b, dy), offset(b, g), B * H, W, dy.shape[2]!, C, a.taps, a.dilation, a.padLeft);
  return g;
};

/**
 * The filter gradient of a {@link depthwiseRowsApply} convolution, on the SIMD kernel.
 *
 * @param x input `[B, H, W, C]`
 * @param dy output gradient `[B, H, Wo, C]`
 * @returns `[1, taps, C, 1]`
 * @example `depthwiseRowsFilterGrad(x, dy, { taps: 32, dilation: 1, padLeft: 16 })`
 */
export function depthwiseRowsFilterGrad(x: Tensor, dy: Tensor, a: DepthwiseRowsFilterGradAttrs): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_ROWS_FILTER_GRAD, { x, dy }, a as unknown as NamedAttrMap) as Tensor;
}
