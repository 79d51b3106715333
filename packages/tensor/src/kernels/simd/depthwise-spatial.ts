import { engine, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './depthwise-spatial-binary.js';
import { heapOffset as offset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for a depthwise convolution whose kernel spans every row of the input
 * and is one column wide — EEGNet's spatial filter `Conv2d(F, F·M, (H, 1), groups=F)` over the
 * electrodes — built from `depthwise-spatial.wat`: forward, input and filter gradient, M = 1 or 2.
 * XNNPACK ran the forward at ~1.3 GMAC/s, and nnkit's gradients were broadcast products and
 * chunked 25-tap convolutions with their transposes (~100 ms at EEGNet's batch-64 shape).
 */
interface SpatialExports {
  dws_forward(x: number, f: number, y: number, B: number, H: number, W: number, C: number, M: number): void;
  dws_input_grad(dy: number, f: number, dx: number, B: number, H: number, W: number, C: number, M: number): void;
  dws_filter_grad(x: number, dy: number, g: number, B: number, H: number, W: number, C: number, M: number): void;
}

/** Name of the input-gradient kernel (wasm): inputs `dy` `[B, 1, W, C·M]`, `filter` `[H, 1, C, M]`; attribute `xShape`; output `[B, H, W, C]`. */
export const NNKIT_DEPTHWISE_SPATIAL_INPUT_GRAD = 'NnkitDepthwiseSpatialInputGrad';
/** Name of the filter-gradient kernel (wasm): inputs `x` `[B, H, W, C]`, `dy` `[B, 1, W, C·M]`; attribute `M`; output `[H, 1, C, M]`. */
export const NNKIT_DEPTHWISE_SPATIAL_FILTER_GRAD = 'NnkitDepthwiseSpatialFilterGrad';

const simd = new SimdModule<SpatialExports>(BASE64);

/**
 * Whether `NnkitConv2D` with these shapes runs on the spatial SIMD kernels: depthwise, a kernel of
 * all H rows and one column (`[H, 1, C, M]`), multiplier 1 or 2, C a multiple of 4, no padding,
 * stride and dilation 1, a non-empty input, on tfjs-backend-wasm with SIMD.
 *
 * @param x input `[B, H, W, C]`; `filter` `[kH, kW, C, M]`
 */
export function depthwiseSpatialApply(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const [kH, kW, C, M] = filter as [number, number, number, number];
  return (
    a.depthwise &&
    kW === 1 &&
    kH === x[1] &&
    (M === 1 || M === 2) &&
    C > 0 &&
    C % 4 === 0 &&
    a.pad.every((p) => p === 0) &&
    a.strides[0] === 1 &&
    a.strides[1] === 1 &&
    a.dilations[0] === 1 &&
    x.every((d) => d > 0) &&
    simd.active()
  );
}

/** The forward pass inside a kernel function (the caller checked {@link depthwiseSpatialApply}): `[B, 1, W, C·M]`. */
export function runDepthwiseSpatial(backend: KernelBackend, x: TensorInfo, filter: TensorInfo): TensorInfo {
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const M = filter.shape[3]!;
  const y = b.makeOutput([B, 1, W, C * M], 'float32');
  simd.on(backend)!.dws_forward(offset(b, x), offset(b, filter), offset(b, y), B, H, W, C, M);
  return y;
}

const inputGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const [B, H, W, C] = (attrs as unknown as { xShape: [number, number, number, number] }).xShape;
  const b = backend as unknown as WasmHeapBackend;
  const dx = b.makeOutput([B, H, W, C], 'float32');
  simd.on(backend)!.dws_input_grad(offset(b, dy), offset(b, filter), offset(b, dx), B, H, W, C, filter.shape[3]!);
  return dx;
};

const filterGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const M = (attrs as unknown as { M: number }).M;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const b = backend as unknown as WasmHeapBackend;
  const g = b.makeOutput([H, 1, C, M], 'float32');
  simd.on(backend)!.dws_filter_grad(offset(b, x), offset(b, dy), offset(b, g), B, H, W, C, M);
  return g;
};

/**
 * Instantiates the kernels on tfjs-backend-wasm's memory and registers the two gradient kernels
 * (idempotent; awaited by `installKernels('wasm')`). Nothing happens without SIMD.
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installDepthwiseSpatial(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_DEPTHWISE_SPATIAL_INPUT_GRAD, kernelFunc: inputGradKernel },
    { kernelName: NNKIT_DEPTHWISE_SPATIAL_FILTER_GRAD, kernelFunc: filterGradKernel },
  ]);
}

/**
 * Input gradient of a {@link depthwiseSpatialApply} convolution on the SIMD kernel.
 *
 * @param dy `[B, 1, W, C·M]`; filter `[H, 1, C, M]`; xShape `[B, H, W, C]`
 * @returns `[B, H, W, C]`
 */
export function depthwiseSpatialInputGrad(dy: Tensor, filter: Tensor, xShape: readonly number[]): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_SPATIAL_INPUT_GRAD, { dy, filter }, { xShape: [...xShape] } as unknown as NamedAttrMap) as Tensor;
}

/**
 * Filter gradient of a {@link depthwiseSpatialApply} convolution on the SIMD kernel.
 *
 * @param x `[B, H, W, C]`; dy `[B, 1, W, C·M]`
 * @returns `[H, 1, C, M]`
 */
export function depthwiseSpatialFilterGrad(x: Tensor, dy: Tensor, M: number): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_SPATIAL_FILTER_GRAD, { x, dy }, { M } as unknown as NamedAttrMap) as Tensor;
}
