import { engine, getBackend, getKernel, registerKernel, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './broadcast-rows-binary.js';
import type { DepthwiseRowsFilterGradAttrs } from './depthwise-rows.js';
import { heapOffset as offset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for plain `1 × K` convolutions of a one-channel input into O output
 * channels (`Conv2d(1, F, (1, K))`: a first temporal layer over rows of samples), built from
 * `broadcast-rows.wat`. XNNPACK runs this shape at ~7 GMAC/s forward, and tfjs has no filter
 * gradient for it (nnkit's generic one transposes the input and output gradient first).
 */
interface BroadcastExports {
  /** `y[r, w, o] = Σ_k f[k, o]·x[r, w − pL + k·d]`; byte offsets, then R, Win, Wout, O, K, d, pL. */
  bc_rows(x: number, f: number, y: number, R: number, Win: number, Wout: number, O: number, K: number, d: number, pL: number): void;
  /** `g[k, o] = Σ_{r, w} x[r, w − pL + k·d]·dy[r, w, o]`; same arguments with dy, g. */
  bc_rows_filter_grad(x: number, dy: number, g: number, R: number, Win: number, Wout: number, O: number, K: number, d: number, pL: number): void;
}

/** Name of the filter-gradient kernel (wasm only): inputs `x` `[B, H, W, 1]`, `dy` `[B, H, Wo, O]`; attributes as {@link DepthwiseRowsFilterGradAttrs}; output `[1, K, 1, O]`. */
export const NNKIT_BROADCAST_ROWS_FILTER_GRAD = 'NnkitBroadcastRowsFilterGrad';

const simd = new SimdModule<BroadcastExports>(BASE64);

/**
 * Whether `NnkitConv2D` with these shapes runs on the broadcast-rows SIMD kernel: a plain
 * convolution of one input channel with a one-row kernel at stride 1 without H padding, into a
 * multiple of 4 output channels, with a non-empty output, on tfjs-backend-wasm with SIMD.
 *
 * @param x input `[B, H, W, 1]`; `filter` `[1, K, 1, O]`
 */
export function broadcastRowsApply(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const [kH, kW, Cin, O] = filter as [number, number, number, number];
  return (
    !a.depthwise &&
    kH === 1 &&
    Cin === 1 &&
    O > 0 &&
    O % 4 === 0 &&
    a.strides[0] === 1 &&
    a.strides[1] === 1 &&
    a.pad[0] === 0 &&
    a.pad[1] === 0 &&
    x.every((d) => d > 0) &&
    x[2]! + a.pad[2] + a.pad[3] - (kW - 1) * a.dilations[1] >= 1 &&
    getBackend() === 'wasm' &&
    simd.on(engine().backend) !== null
  );
}

/** The forward pass on the SIMD kernel inside a kernel function (the caller checked {@link broadcastRowsApply}): `[B, H, Wo, O]`. */
export function runBroadcastRows(backend: KernelBackend, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs): TensorInfo {
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, W] = x.shape as [number, number, number];
  const [, K, , O] = filter.shape as [number, number, number, number];
  const Wo = W + a.pad[2] + a.pad[3] - (K - 1) * a.dilations[1];
  const y = b.makeOutput([B, H, Wo, O], 'float32');
  simd.on(backend)!.bc_rows(offset(b, x), offset(b, filter), offset(b, y), B * H, W, Wo, O, K, a.dilations[1], a.pad[2]);
  return y;
}

const filterGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as DepthwiseRowsFilterGradAttrs;
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, W] = x.shape as [number, number, number];
  const O = dy.shape[3]!;
  const g = b.makeOutput([1, a.taps, 1, O], 'float32');
  simd.on(backend)!.bc_rows_filter_grad(offset(b, x), offset(b, dy), offset(b, g), B * H, W, dy.shape[2]!, O, a.taps, a.dilation, a.padLeft);
  return g;
};

/**
 * Instantiates the kernels on tfjs-backend-wasm's memory and registers the filter-gradient
 * kernel (idempotent; awaited by `installKernels('wasm')`). Nothing happens without SIMD.
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installBroadcastRows(backend: object | null | undefined): Promise<boolean> {
  if (!(await simd.install(backend))) return false;
  if (getKernel(NNKIT_BROADCAST_ROWS_FILTER_GRAD, 'wasm') === undefined) {
    registerKernel({ kernelName: NNKIT_BROADCAST_ROWS_FILTER_GRAD, backendName: 'wasm', kernelFunc: filterGradKernel });
  }
  return true;
}

/**
 * The filter gradient of a {@link broadcastRowsApply} convolution, on the SIMD kernel.
 *
 * @param x input `[B, H, W, 1]`; dy `[B, H, Wo, O]`
 * @returns `[1, taps, 1, O]`
 * @example `broadcastRowsFilterGrad(x, dy, { taps: 32, dilation: 1, padLeft: 15 })`
 */
export function broadcastRowsFilterGrad(x: Tensor, dy: Tensor, a: DepthwiseRowsFilterGradAttrs): Tensor {
  return engine().runKernel(NNKIT_BROADCAST_ROWS_FILTER_GRAD, { x, dy }, a as unknown as NamedAttrMap) as Tensor;
}
