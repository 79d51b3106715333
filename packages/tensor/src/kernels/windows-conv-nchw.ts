import { engine, registerKernel, getKernel, type KernelFunc, type NamedAttrMap, type Tensor, type Tensor4D, type TensorInfo } from '@tensorflow/tfjs-core';
import { convOutSize } from '../ops/conv/conv-args.js';
import { mmTiles, TILE_COLUMNS, tilesActive } from './simd/matmul-tiles.js';
import { im2colColumnsAt, simdPatchesActive } from './simd/patches.js';
import { heapOffset, wasmHeap } from './simd/wasm-module.js';
import { TILES_CONV_MAX_WINDOW_VALUES } from './tiles-conv.js';

/**
 * A plain convolution of a few-channel image computed in PyTorch's NCHW layout, per sample:
 * `y_b[Cout, Ho·Wo] = W[Cout, Cin·kH·kW] · colsT_b[Cin·kH·kW, Ho·Wo]`, the PyTorch weight as it is
 * times the sample's windows as columns (nnkit's SIMD `im2col_t`, one call per channel plane,
 * rows in the weight's `(c, i, j)` order), on nnkit's pack-free product (`matmul-tiles.wat`). The
 * product's rows are the output channels, so its result is the NCHW output: no layout transposes
 * and no weight transpose.
 *
 * Why: through `NnkitConv2D` a 3-channel image stem (Inception's `Conv2d_1a`, `3 × 3` stride 2,
 * 3 → 32 on 299²) transposed its input to NHWC and its output back, and built windows of 9
 * values per kernel row: 2.5 ms forward against 0.9 ms for the same-MAC GEMM (2.96×, measured
 * 2026-12-03), of which the two transposes were 0.5 ms.
 *
 * Every output is the running sum over `(c, i, j)` in float32 (the product's order), whichever
 * sample or batch size.
 */

/** Name of the kernel (wasm): inputs `x` `[B, Cin, H, W]`, `filter` `[Cout, Cin, kH, kW]`; attributes {@link WindowsNchwAttrs}; output `[B, Cout, Ho, Wo]`. */
export const NNKIT_CONV_WINDOWS_NCHW = 'NnkitConvWindowsNchw';

/** The kernel's attributes: the convolution's strides, dilations and `[top, bottom, left, right]` zero padding. */
export interface WindowsNchwAttrs {
  strides: [number, number];
  dilations: [number, number];
  pad: [number, number, number, number];
}

/**
 * Most input channels for the NCHW window path: with more, the NHWC windows (runs of `kW·Cin`
 * values) and XNNPACK's or the tiles' products are as fast, and the layout transposes cost
 * little against the product.
 */
export const WINDOWS_NCHW_MAX_IN_CHANNELS = 4;

/**
 * Whether `conv2d` with these arguments runs on {@link NNKIT_CONV_WINDOWS_NCHW}: a plain
 * convolution (`groups` 1) of at most {@link WINDOWS_NCHW_MAX_IN_CHANNELS} input channels, at
 * least `TILE_COLUMNS` (8) output positions per sample, one sample's windows at most
 * `TILES_CONV_MAX_WINDOW_VALUES` values, float32, non-empty, on tfjs-backend-wasm with nnkit's SIMD
 * window and product kernels. (One-channel stride-1 convolutions take the direct kernel first.)
 *
 * @param x `[B, Cin, H, W]`; weight `[Cout, Cin, kH, kW]`; pad `[top, bottom, left, right]`
 * @example `convWindowsNchwApplies(x, w, 1, [2, 2], [1, 1], [0, 0, 0, 0]) // Inception's stem on [1, 3, 299, 299]`
 */
export function convWindowsNchwApplies(x: Tensor, weight: Tensor, groups: number, stride: readonly number[], dilation: readonly number[], pad: readonly number[]): boolean {
  if (x.rank !== 4 || weight.rank !== 4) return false;
  const [, C, H, W] = x.shape as [number, number, number, number];
  const [, , kH, kW] = weight.shape as [number, number, number, number];
  const P = convOutSize(H, kH, stride[0]!, pad[0]!, pad[1]!, dilation[0]!) * convOutSize(W, kW, stride[1]!, pad[2]!, pad[3]!, dilation[1]!);
  return (
    groups === 1 &&
    C <= WINDOWS_NCHW_MAX_IN_CHANNELS &&
    P >= TILE_COLUMNS &&
    C * kH * kW * P <= TILES_CONV_MAX_WINDOW_VALUES &&
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    x.size > 0 &&
    weight.size > 0 &&
    getKernel(NNKIT_CONV_WINDOWS_NCHW, 'wasm') !== undefined &&
    tilesActive() &&
    simdPatchesActive()
  );
}

/**
 * The convolution on {@link NNKIT_CONV_WINDOWS_NCHW} (the caller checked
 * {@link convWindowsNchwApplies}); differentiable (`gradients/NnkitConvWindowsNchw-grad.ts`).
 *
 * @param x `[B, Cin, H, W]`; weight `[Cout, Cin, kH, kW]`
 * @returns `[B, Cout, Ho, Wo]`
 */
export function convWindowsNchw(x: Tensor, weight: Tensor, a: WindowsNchwAttrs): Tensor4D {
  return engine().runKernel(NNKIT_CONV_WINDOWS_NCHW, { x, filter: weight }, a as unknown as NamedAttrMap) as Tensor4D;
}

const forwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as WindowsNchwAttrs;
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const [Co, , kH, kW] = filter.shape as [number, number, number, number];
  const Ho = convOutSize(H, kH, a.strides[0], a.pad[0], a.pad[1], a.dilations[0]);
  const Wo = convOutSize(W, kW, a.strides[1], a.pad[2], a.pad[3], a.dilations[1]);
  const P = Ho * Wo;
  const K = C * kH * kW;
  const b = wasmHeap(backend);
  const y = b.makeOutput([B, Co, Ho, Wo], 'float32');
  const cols = b.makeOutput([K, P], 'float32');
  const plane = { xShape: [1, H, W, 1] as [number, number, number, number], kH, kW, Ho, Wo, strides: a.strides, dilations: a.dilations, padTop: a.pad[0], padLeft: a.pad[2] };
  for (let s = 0; s < B; s++) {
    // Offsets read after both allocations: allocating may grow the memory.
    const colsAt = heapOffset(b, cols);
    for (let c = 0; c < C; c++) im2colColumnsAt(backend, heapOffset(b, x) + (s * C + c) * H * W * 4, colsAt + c * kH * kW * P * 4, plane);
    mmTiles(backend, heapOffset(b, filter), colsAt, heapOffset(b, y) + s * Co * P * 4, Co, K, P, 4 * K, 4);
  }
  b.disposeData(cols.dataId);
  return y;
};

/**
 * Registers {@link NNKIT_CONV_WINDOWS_NCHW} on wasm (idempotent; awaited by `installKernels('wasm')`
 * after the window and product modules). Registering needs no SIMD: {@link convWindowsNchwApplies}
 * sends convolutions to it only where both modules are installed.
 *
 * @returns whether the kernel is registered (false without a backend).
 */
export async function installConvWindowsNchw(backend: object | null | undefined): Promise<boolean> {
  if (backend == null) return false;
  if (getKernel(NNKIT_CONV_WINDOWS_NCHW, 'wasm') === undefined) registerKernel({ kernelName: NNKIT_CONV_WINDOWS_NCHW, backendName: 'wasm', kernelFunc: forwardKernel });
  return Promise.resolve(true);
}
