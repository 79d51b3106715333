import { engine, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './patches-binary.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/** `(source, output, B, H, W, C, Ho, Wo, kH, kW, sh, sw, dh, dw, pt, pl)`, pointers in bytes. */
type PatchesFn = (...args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number]) => void;

interface PatchesExports {
  /** `colsT[(i·kW + j)·C + c, m] = x[b, ho·sh − pt + i·dh, wo·sw − pl + j·dw, c]` for window `m = (b, ho, wo)`, 0 outside x. */
  im2col_t: PatchesFn;
  /** `dx = 0`, then every `cols[m, k]` added where `colsT[k, m]` was read from. */
  col2im: PatchesFn;
  /** `cols[m, (i·kW + j)·C + c] = x[b, ho·sh − pt + i·dh, wo·sw − pl + j·dw, c]`, 0 outside x. */
  im2col_rows: PatchesFn;
}

/** Name of the window-matrix kernel (wasm only): input `x` `[B, H, W, C]`; attributes {@link PatchesAttrs}; output `[kH·kW·C, B·Ho·Wo]`. */
export const NNKIT_IM2COL_T = 'NnkitIm2ColT';
/** Name of its adjoint, transposed (wasm only): input `cols` `[B·Ho·Wo, kH·kW·C]`; attributes {@link PatchesAttrs}; output `[B, H, W, C]`. */
export const NNKIT_COL2IM = 'NnkitCol2Im';

/**
 * The windows of a plain NHWC convolution: input `[B, H, W, C]`, kernel `kH × kW`, output
 * `Ho × Wo`, and the convolution's strides, dilations and top/left padding.
 */
export interface PatchesAttrs {
  xShape: [number, number, number, number];
  kH: number;
  kW: number;
  Ho: number;
  Wo: number;
  strides: [number, number];
  dilations: [number, number];
  padTop: number;
  padLeft: number;
}

const simd = new SimdModule<PatchesExports>(BASE64);

/**
 * The window geometry of a plain NHWC convolution with these shapes.
 *
 * @param x `[B, H, W, C]`; filter `[kH, kW, C, Co]`; dy (the output) `[B, Ho, Wo, Co]`
 * @example `patchesAttrs([32, 32, 32, 1], [5, 5, 1, 6], [32, 28, 28, 6], attrs).Ho` → 28
 */
export function patchesAttrs(x: readonly number[], filter: readonly number[], dy: readonly number[], a: NnkitConvAttrs): PatchesAttrs {
  const [kH, kW] = filter as [number, number];
  return {
    xShape: [x[0]!, x[1]!, x[2]!, x[3]!],
    kH,
    kW,
    Ho: dy[1]!,
    Wo: dy[2]!,
    strides: [a.strides[0], a.strides[1]],
    dilations: [a.dilations[0], a.dilations[1]],
    padTop: a.pad[0],
    padLeft: a.pad[2],
  };
}

/** Whether the SIMD window kernels run here: tfjs-backend-wasm with SIMD, and the kernels installed. */
export function simdPatchesActive(): boolean {
  return simd.active();
}

function kernel(name: keyof PatchesExports): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as PatchesAttrs;
    const src = (inputs.x ?? inputs.cols) as TensorInfo;
    const [B, H, W, C] = a.xShape;
    const b = backend as unknown as WasmHeapBackend;
    const out = b.makeOutput(name === 'im2col_t' ? [a.kH * a.kW * C, B * a.Ho * a.Wo] : [B, H, W, C], 'float32');
    // Offsets read after makeOutput: allocating may grow the memory. Both exports take (source, output, ...).
    simd.on(backend)![name](heapOffset(b, src), heapOffset(b, out), B, H, W, C, a.Ho, a.Wo, a.kH, a.kW, ...a.strides, ...a.dilations, a.padTop, a.padLeft);
    return out;
  };
}

/**
 * Instantiates `patches.wat` on tfjs-backend-wasm's memory and registers {@link NNKIT_IM2COL_T} and
 * {@link NNKIT_COL2IM} (idempotent; awaited by `installKernels('wasm')`; nothing happens without SIMD).
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installPatches(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_IM2COL_T, kernelFunc: kernel('im2col_t') },
    { kernelName: NNKIT_COL2IM, kernelFunc: kernel('col2im') },
  ]);
}

/**
 * The windows of a plain NHWC convolution as columns, on the SIMD kernel (the caller checked
 * {@link simdPatchesActive}): row `(i·kW + j)·C + c` holds tap `(i, j)` of channel `c` of every
 * window, zeros outside the input. With one channel a row is runs of `Wo` neighbouring values
 * (as rows, one per window, the same matrix took 3.7× as long: runs of only `kW` values).
 *
 * @param x `[B, H, W, C]`
 * @returns `[kH·kW·C, B·Ho·Wo]`
 * @example `matMul(im2colColumns(x, attrs), reshape(dy, [-1, Cout]))` → the filter gradient `[kH·kW·C, Cout]`
 */
export function im2colColumns(x: Tensor, a: PatchesAttrs): Tensor {
  return engine().runKernel(NNKIT_IM2COL_T, { x }, a as unknown as NamedAttrMap) as Tensor;
}

/**
 * The adjoint of {@link im2colColumns}, transposed: each window's values (one row per window,
 * taps in HWC order) added back where they were read (a convolution's input gradient from
 * `dy · Wᵀ`), on the SIMD kernel.
 *
 * @param cols `[B·Ho·Wo, kH·kW·C]`
 * @returns `[B, H, W, C]`
 * @example `col2imRows(matMul(dy2d, wT), patchesAttrs(x.shape, filter.shape, dy.shape, attrs))`
 */
export function col2imRows(cols: Tensor, a: PatchesAttrs): Tensor {
  return engine().runKernel(NNKIT_COL2IM, { cols }, a as unknown as NamedAttrMap) as Tensor;
}

/**
 * Kernel-level: the windows of samples `b0 … b0 + count − 1` of an NHWC input as rows
 * (`[count·Ho·Wo, kH·kW·C]`, taps in HWC order, zeros outside x) in a new backend tensor, on the
 * SIMD kernel (the caller checked {@link simdPatchesActive}). For a convolution's forward pass as
 * one product with its HWIO filter; the caller disposes the result.
 *
 * @param x `[B, H, W, C]` (a backend tensor)
 * @example `im2colRows(backend, x, patchesAttrs(x.shape, f.shape, out.shape, attrs), 0, B)`
 */
export function im2colRows(backend: object, x: TensorInfo, a: PatchesAttrs, b0: number, count: number): TensorInfo {
  const [, H, W, C] = a.xShape;
  const b = backend as WasmHeapBackend;
  const out = b.makeOutput([count * a.Ho * a.Wo, a.kH * a.kW * C], 'float32');
  const src = heapOffset(b, x) + b0 * H * W * C * 4;
  simd.on(backend)!.im2col_rows(src, heapOffset(b, out), count, H, W, C, a.Ho, a.Wo, a.kH, a.kW, ...a.strides, ...a.dilations, a.padTop, a.padLeft);
  return out;
}

/**
 * Kernel-level: the windows of an NHWC input as columns (`im2col_t`, as {@link im2colColumns})
 * written at byte offset `out` of the wasm heap from the input at byte offset `src` (the caller
 * checked {@link simdPatchesActive}). An NCHW image's channel plane is the NHWC image
 * `[1, H, W, 1]`: one call per plane, each writing its `kH·kW` rows, gives the window matrix with
 * rows in PyTorch's `(c, i, j)` weight order.
 *
 * @example `im2colColumnsAt(backend, planePtr, colsPtr + c * kH * kW * P * 4, attrs)`
 */
export function im2colColumnsAt(backend: object, src: number, out: number, a: PatchesAttrs): void {
  const [B, H, W, C] = a.xShape;
  simd.on(backend)!.im2col_t(src, out, B, H, W, C, a.Ho, a.Wo, a.kH, a.kW, ...a.strides, ...a.dilations, a.padTop, a.padLeft);
}
