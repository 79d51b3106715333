import { engine, type KernelFunc, type NamedAttrMap, type Tensor, type Tensor4D, type TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './depthwise-rows-nchw-binary.js';
import { heapOffset as offset, SimdModule, wasmHeap } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for a depthwise `1 × K` convolution (multiplier 1, any dilation and
 * padding along W) in PyTorch's NCHW layout — EEGNet's separable depthwise `Conv2d(F, F, (1, 16),
 * groups=F, padding='same')`, EEG-Inception's temporal branches — built from
 * `depthwise-rows-nchw.wat`: the forward pass and both gradients, vectorised along T. Through
 * `NnkitConv2D` the same layer pays an NCHW → NHWC transpose of its input and one back of its
 * output (and both again in the backward pass); at EEGNet's `[64, 16, 1, 250]` those transposes
 * were most of its forward + backward (1.95–2.26× GEMMs of the same multiply-adds).
 */
interface RowsNchwExports {
  /** `y[r, t] = Σ_k f(k)·x[r, t − pL + k·d]` over R rows (channel `(r / H) mod C`), taps outside x skipped; `f` read backwards when `rev`. */
  dwn_rows(x: number, f: number, y: number, R: number, C: number, H: number, T: number, To: number, K: number, d: number, pL: number, rev: number, z: number): void;
  /** `g[c, k] = Σ_{rows of c} Σ_t dy[r, t]·x[r, t − pL + k·d]`, g overwritten. */
  dwn_filter_grad(x: number, dy: number, g: number, R: number, C: number, H: number, T: number, To: number, K: number, d: number, pL: number): void;
}

/** Name of the forward kernel (wasm): inputs `x` `[B, C, H, T]`, `filter` `[C, 1, 1, K]`; attributes {@link RowsNchwAttrs}; output `[B, C, H, To]`. */
export const NNKIT_DEPTHWISE_ROWS_NCHW = 'NnkitDepthwiseRowsNchw';
/** Name of the input-gradient kernel (wasm): inputs `dy` `[B, C, H, To]`, `filter`; attributes {@link RowsNchwAttrs}; output `[B, C, H, inWidth]`. */
export const NNKIT_DEPTHWISE_ROWS_NCHW_INPUT_GRAD = 'NnkitDepthwiseRowsNchwInputGrad';
/** Name of the filter-gradient kernel (wasm): inputs `x`, `dy`; attributes {@link RowsNchwAttrs}; output `[C, 1, 1, K]`. */
export const NNKIT_DEPTHWISE_ROWS_NCHW_FILTER_GRAD = 'NnkitDepthwiseRowsNchwFilterGrad';

/** The geometry along W: dilation, left padding, and the input and output widths. */
export interface RowsNchwAttrs {
  dilation: number;
  padLeft: number;
  inWidth: number;
  outWidth: number;
}

const simd = new SimdModule<RowsNchwExports>(BASE64);

/**
 * Whether `conv2d` with these arguments runs on the NCHW row kernels: depthwise with multiplier
 * 1 (`groups` = C, weight `[C, 1, 1, K]`), stride 1, no padding along H, float32, non-empty
 * operands, on tfjs-backend-wasm with SIMD (any taps, dilation and W padding).
 *
 * @param x input `[B, C, H, T]`; weight `[Cout, Cin/groups, kH, kW]`
 * @param pad `[top, bottom, left, right]` zero padding
 * @example `depthwiseRowsNchwApplies(x, w, 16, [1, 1], [0, 0, 7, 8]) // EEGNet's separable depthwise (1, 16), 'same'`
 */
export function depthwiseRowsNchwApplies(x: Tensor, weight: Tensor, groups: number, stride: readonly number[], pad: readonly number[]): boolean {
  const [, C] = x.shape as [number, number, number, number];
  const [O, I, kH] = weight.shape as [number, number, number, number];
  return (
    x.rank === 4 &&
    weight.rank === 4 &&
    groups === C &&
    O === C &&
    I === 1 &&
    kH === 1 &&
    stride[0] === 1 &&
    stride[1] === 1 &&
    pad[0] === 0 &&
    pad[1] === 0 &&
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    x.size > 0 &&
    weight.size > 0 &&
    simd.active()
  );
}

/**
 * The convolution on the NCHW row kernel (the caller checked {@link depthwiseRowsNchwApplies});
 * differentiable (its gradient is in `gradients/NnkitDepthwiseRowsNchw-grad.ts`).
 *
 * @param x `[B, C, H, T]`; weight `[C, 1, 1, K]`; dilation and [left, right] padding along W
 * @returns `[B, C, H, T + left + right − (K − 1)·dilation]`
 */
export function depthwiseRowsNchw(x: Tensor, weight: Tensor, dilation: number, padLeft: number, padRight: number): Tensor4D {
  const T = x.shape[3]!;
  const K = weight.shape[3]!;
  const attrs: RowsNchwAttrs = { dilation, padLeft, inWidth: T, outWidth: T + padLeft + padRight - (K - 1) * dilation };
  return engine().runKernel(NNKIT_DEPTHWISE_ROWS_NCHW, { x, filter: weight }, attrs as unknown as NamedAttrMap) as Tensor4D;
}

/**
 * Floats of the scratch `dwn_rows` pads each row into (`Lz = To16 + (K − 1)·d` for the padded row,
 * `To16` for its outputs; `To16` is `outWidth` rounded up to 16): with it every output is computed
 * 16 at a time. Without it the outputs whose taps reach the padding took the one-at-a-time loop —
 * 18 of every 250 with EEGNet's separable `1 × 16` ('same'), about half the row's time.
 */
function paddedRowScratch(outWidth: number, K: number, dilation: number): number {
  const to16 = Math.ceil(outWidth / 16) * 16;
  return 2 * to16 + (K - 1) * dilation;
}

const forwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as RowsNchwAttrs;
  const [B, C, H, T] = x.shape as [number, number, number, number];
  const b = wasmHeap(backend);
  const y = b.makeOutput([B, C, H, a.outWidth], 'float32');
  const K = filter.shape[3]!;
  const z = b.makeOutput([paddedRowScratch(a.outWidth, K, a.dilation)], 'float32');
  // Offsets read after the allocations: allocating may grow the memory.
  simd.on(backend)!.dwn_rows(offset(b, x), offset(b, filter), offset(b, y), B * C * H, C, H, T, a.outWidth, K, a.dilation, a.padLeft, 0, offset(b, z));
  b.disposeData(z.dataId);
  return y;
};

const inputGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as RowsNchwAttrs;
  const [B, C, H] = dy.shape as [number, number, number, number];
  const K = filter.shape[3]!;
  const b = wasmHeap(backend);
  const dx = b.makeOutput([B, C, H, a.inWidth], 'float32');
  const z = b.makeOutput([paddedRowScratch(a.inWidth, K, a.dilation)], 'float32');
  // dx[r, i] = Σ_k f[k]·dy[r, i + pL − k·d]: the forward loop over dy with the filter reversed.
  simd.on(backend)!.dwn_rows(offset(b, dy), offset(b, filter), offset(b, dx), B * C * H, C, H, a.outWidth, a.inWidth, K, a.dilation, (K - 1) * a.dilation - a.padLeft, 1, offset(b, z));
  b.disposeData(z.dataId);
  return dx;
};

const filterGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as RowsNchwAttrs & { taps: number };
  const [B, C, H, T] = x.shape as [number, number, number, number];
  const b = wasmHeap(backend);
  const g = b.makeOutput([C, 1, 1, a.taps], 'float32');
  simd.on(backend)!.dwn_filter_grad(offset(b, x), offset(b, dy), offset(b, g), B * C * H, C, H, T, a.outWidth, a.taps, a.dilation, a.padLeft);
  return g;
};

/**
 * Sets up the depthwise `1 × K` NCHW kernels on tfjs-backend-wasm (idempotent; awaited by
 * `installKernels('wasm')`): without SIMD nothing is registered and such convolutions keep
 * `NnkitConv2D` (NHWC, with its own row kernels).
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installDepthwiseRowsNchw(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_DEPTHWISE_ROWS_NCHW, kernelFunc: forwardKernel },
    { kernelName: NNKIT_DEPTHWISE_ROWS_NCHW_INPUT_GRAD, kernelFunc: inputGradKernel },
    { kernelName: NNKIT_DEPTHWISE_ROWS_NCHW_FILTER_GRAD, kernelFunc: filterGradKernel },
  ]);
}

/**
 * Input gradient of a {@link depthwiseRowsNchwApplies} convolution on its SIMD kernel.
 *
 * @param dy `[B, C, H, To]`; weight `[C, 1, 1, K]`; attrs the forward's {@link RowsNchwAttrs}
 * @returns `[B, C, H, inWidth]`
 */
export function depthwiseRowsNchwInputGrad(dy: Tensor, weight: Tensor, attrs: RowsNchwAttrs): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_ROWS_NCHW_INPUT_GRAD, { dy, filter: weight }, { ...attrs } as unknown as NamedAttrMap) as Tensor;
}

/**
 * Filter gradient of a {@link depthwiseRowsNchwApplies} convolution on its SIMD kernel.
 *
 * @param x `[B, C, H, T]`; dy `[B, C, H, To]`; taps K; attrs the forward's {@link RowsNchwAttrs}
 * @returns `[C, 1, 1, K]`
 */
export function depthwiseRowsNchwFilterGrad(x: Tensor, dy: Tensor, taps: number, attrs: RowsNchwAttrs): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_ROWS_NCHW_FILTER_GRAD, { x, dy }, { ...attrs, taps } as unknown as NamedAttrMap) as Tensor;
}
