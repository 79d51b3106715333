import { engine, pad, reverse, transpose, type KernelFunc, type Tensor, type Tensor4D, type TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './conv-direct-nchw-binary.js';
import { heapOffset as offset, SimdModule, wasmHeap } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for a plain convolution of a one-channel image computed directly in
 * PyTorch's NCHW layout (`conv-direct-nchw.wat`): LeNet's `Conv2d(1, 6, 5)`, the first layer of
 * any model on grey-scale images. Through `NnkitConv2D` it ran on XNNPACK's GEMM with six of its
 * eight output lanes in use and a `K = 25` reduction, its output transposed back from NHWC, and
 * its input gradient as a `K = 6` GEMM into 25 columns plus a col2im: 2.0× and 2.7× the same-MAC
 * GEMM (forward, forward + backward; measured 2026-12-03). Here every output sums its taps in
 * one fixed order, vectorised along W.
 */
interface DirectExports {
  /** `y[b, o, i, j] = Σ_{c, u, v} f[o, c, u, v]·x[b, c, i + u, j + v]` (stride 1, unpadded). */
  cdn_fwd(x: number, f: number, y: number, B: number, Ci: number, H: number, W: number, Co: number, kH: number, kW: number): void;
  /** `g[o, c, u, v] = Σ_{b, i, j} dy[b, o, i, j]·x[b, c, i + u, j + v]`, g overwritten. */
  cdn_filter_grad(x: number, dy: number, g: number, B: number, Ci: number, H: number, W: number, Co: number, kH: number, kW: number): void;
}

/** Name of the forward kernel (wasm): inputs `x` `[B, Ci, H, W]` (padded already), `filter` `[Co, Ci, kH, kW]`; output `[B, Co, H − kH + 1, W − kW + 1]`. */
export const NNKIT_CONV_DIRECT_NCHW = 'NnkitConvDirectNchw';
/** Name of the filter-gradient kernel (wasm): inputs `x`, `dy`; attribute `taps` `[kH, kW]`; output `[Co, Ci, kH, kW]`. */
export const NNKIT_CONV_DIRECT_NCHW_FILTER_GRAD = 'NnkitConvDirectNchwFilterGrad';

/** Most input channels for the direct kernel: it reads each input value once per output channel and tap. */
export const DIRECT_NCHW_MAX_IN_CHANNELS = 1;

/** Fewest output columns: the kernel is vectorised along W (below 4 every output is scalar). */
export const DIRECT_NCHW_MIN_OUT_WIDTH = 8;

const simd = new SimdModule<DirectExports>(BASE64);

/**
 * Whether `conv2d` with these arguments runs on the direct NCHW kernel: a plain convolution
 * (`groups` 1) of an input with at most {@link DIRECT_NCHW_MAX_IN_CHANNELS} channel, stride and
 * dilation 1, any zero padding, at least {@link DIRECT_NCHW_MIN_OUT_WIDTH} output columns, float32,
 * non-empty operands, on tfjs-backend-wasm with SIMD.
 *
 * @param x input `[B, Cin, H, W]`; weight `[Cout, Cin, kH, kW]`
 * @param pad `[top, bottom, left, right]` zero padding
 * @example `convDirectNchwApplies(x, w, 1, [1, 1], [1, 1], [0, 0, 0, 0]) // LeNet's conv1 on [B, 1, 32, 32]`
 */
export function convDirectNchwApplies(x: Tensor, weight: Tensor, groups: number, stride: readonly number[], dilation: readonly number[], pad: readonly number[]): boolean {
  if (x.rank !== 4 || weight.rank !== 4) return false;
  const [, C, , W] = x.shape as [number, number, number, number];
  const kW = weight.shape[3]!;
  return (
    groups === 1 &&
    C <= DIRECT_NCHW_MAX_IN_CHANNELS &&
    stride.every((s) => s === 1) &&
    dilation.every((d) => d === 1) &&
    W + pad[2]! + pad[3]! - kW + 1 >= DIRECT_NCHW_MIN_OUT_WIDTH &&
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    x.size > 0 &&
    weight.size > 0 &&
    simd.active()
  );
}

/**
 * The convolution on the direct NCHW kernel (the caller checked {@link convDirectNchwApplies}):
 * the input zero-padded first where `pad` asks for it; differentiable (the gradient is in
 * `gradients/NnkitConvDirectNchw-grad.ts`).
 *
 * @param x `[B, Cin, H, W]`; weight `[Cout, Cin, kH, kW]`; pad `[top, bottom, left, right]`
 * @returns `[B, Cout, H + top + bottom − kH + 1, W + left + right − kW + 1]`
 */
export function convDirectNchw(x: Tensor, weight: Tensor, p: readonly number[]): Tensor4D {
  const xp = p.some((v) => v !== 0) ? pad(x, [[0, 0], [0, 0], [p[0]!, p[1]!], [p[2]!, p[3]!]]) : x;
  return engine().runKernel(NNKIT_CONV_DIRECT_NCHW, { x: xp, filter: weight }) as Tensor4D;
}

const forwardKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const [B, Ci, H, W] = x.shape as [number, number, number, number];
  const [Co, , kH, kW] = filter.shape as [number, number, number, number];
  const b = wasmHeap(backend);
  const y = b.makeOutput([B, Co, H - kH + 1, W - kW + 1], 'float32');
  simd.on(backend)!.cdn_fwd(offset(b, x), offset(b, filter), offset(b, y), B, Ci, H, W, Co, kH, kW);
  return y;
};

const filterGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const [kH, kW] = (attrs as unknown as { taps: [number, number] }).taps;
  const [B, Ci, H, W] = x.shape as [number, number, number, number];
  const Co = dy.shape[1]!;
  const b = wasmHeap(backend);
  const g = b.makeOutput([Co, Ci, kH, kW], 'float32');
  simd.on(backend)!.cdn_filter_grad(offset(b, x), offset(b, dy), offset(b, g), B, Ci, H, W, Co, kH, kW);
  return g;
};

/**
 * Sets up the direct NCHW convolution kernels on tfjs-backend-wasm (idempotent; awaited by
 * `installKernels('wasm')`): without SIMD nothing is registered and such convolutions keep
 * `NnkitConv2D`.
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installConvDirectNchw(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_CONV_DIRECT_NCHW, kernelFunc: forwardKernel },
    { kernelName: NNKIT_CONV_DIRECT_NCHW_FILTER_GRAD, kernelFunc: filterGradKernel },
  ]);
}

/**
 * Input gradient of a direct NCHW convolution: the same kernel on `dy` padded by `kH − 1` rows and
 * `kW − 1` columns on each side, with the filter turned round (`[Cin, Cout, kH, kW]`, taps reversed).
 *
 * @param dy `[B, Cout, Ho, Wo]`; weight `[Cout, Cin, kH, kW]`
 * @returns `[B, Cin, Ho + kH − 1, Wo + kW − 1]` (the padded input's shape)
 */
export function convDirectNchwInputGrad(dy: Tensor, weight: Tensor): Tensor {
  const [, , kH, kW] = weight.shape as [number, number, number, number];
  const dyp = pad(dy, [[0, 0], [0, 0], [kH - 1, kH - 1], [kW - 1, kW - 1]]);
  const turned = transpose(reverse(weight, [2, 3]), [1, 0, 2, 3]);
  return engine().runKernel(NNKIT_CONV_DIRECT_NCHW, { x: dyp, filter: turned }) as Tensor;
}

/**
 * Filter gradient of a direct NCHW convolution on its SIMD kernel.
 *
 * @param x the padded input `[B, Cin, H, W]`; dy `[B, Cout, Ho, Wo]`; taps `[kH, kW]`
 * @returns `[Cout, Cin, kH, kW]`
 */
export function convDirectNchwFilterGrad(x: Tensor, dy: Tensor, taps: readonly [number, number]): Tensor {
  return engine().runKernel(NNKIT_CONV_DIRECT_NCHW_FILTER_GRAD, { x, dy }, { taps: [...taps] }) as Tensor;
}
