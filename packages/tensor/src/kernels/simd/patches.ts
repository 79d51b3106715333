import { engine, getBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { BASE64 } from './patches-binary.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/** `(source, output, B, H, W, C, Ho, Wo, kH, kW, sh, sw, dh, dw, pt, pl, Kp)`, pointers in bytes. */
type PatchesFn = (...args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number]) => void;

interface PatchesExports {
  /** `cols[m, (i·kW + j)·C + c] = x[b, ho·sh − pt + i·dh, wo·sw − pl + j·dw, c]`, 0 outside x and past kH·kW·C. */
  im2col: PatchesFn;
  /** `dx = 0`, then every `cols[m, k]` added where `im2col` read it from. */
  col2im: PatchesFn;
  /** `colsT[k, m] = cols[m, k]` for `k < kH·kW·C` (the same arguments but `Kp`). */
  im2col_t: (...args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number]) => void;
}

/** Name of the window-matrix kernel (wasm only): input `x` `[B, H, W, C]`; attributes {@link PatchesAttrs}; output `[B·Ho·Wo, Kp]`. */
export const NNKIT_IM2COL = 'NnkitIm2Col';
/** Name of the transposed window-matrix kernel (wasm only): input `x` `[B, H, W, C]`; attributes {@link PatchesAttrs}; output `[kH·kW·C, B·Ho·Wo]`. */
export const NNKIT_IM2COL_T = 'NnkitIm2ColT';
/** Name of its adjoint (wasm only): input `cols` `[B·Ho·Wo, Kp]`; attributes {@link PatchesAttrs}; output `[B, H, W, C]`. */
export const NNKIT_COL2IM = 'NnkitCol2Im';

/**
 * The windows of a plain NHWC convolution: input `[B, H, W, C]`, kernel `kH × kW`, output
 * `Ho × Wo`, the convolution's strides, dilations and top/left padding, and `Kp` (≥ kH·kW·C) values
 * per window row.
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
  Kp: number;
}

const simd = new SimdModule<PatchesExports>(BASE64);

/**
 * The window geometry of a plain NHWC convolution with these shapes, with window rows padded to
 * a multiple of 4 values (`Kp`, for {@link im2colRows}; {@link col2imRows} of a `dy · Wᵀ` product
 * takes `Kp: kH·kW·C`; {@link im2colColumns} has no padding).
 *
 * @param x `[B, H, W, C]`; filter `[kH, kW, C, Co]`; dy (the output) `[B, Ho, Wo, Co]`
 * @example `patchesAttrs([32, 32, 32, 1], [5, 5, 1, 6], [32, 28, 28, 6], attrs).Kp` → 28
 */
export function patchesAttrs(x: readonly number[], filter: readonly number[], dy: readonly number[], a: NnkitConvAttrs): PatchesAttrs {
  const [kH, kW, C] = filter as [number, number, number];
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
    Kp: Math.ceil((kH * kW * C) / 4) * 4,
  };
}

/** Whether the SIMD window kernels run here: tfjs-backend-wasm with SIMD, and the kernels installed. */
export function simdPatchesActive(): boolean {
  return getBackend() === 'wasm' && simd.on(engine().backend) !== null;
}

function kernel(name: keyof PatchesExports): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as PatchesAttrs;
    const src = (inputs.x ?? inputs.cols) as TensorInfo;
    const [B, H, W, C] = a.xShape;
    const M = B * a.Ho * a.Wo;
    const b = backend as unknown as WasmHeapBackend;
    const out = b.makeOutput(name === 'im2col' ? [M, a.Kp] : name === 'im2col_t' ? [a.kH * a.kW * C, M] : [B, H, W, C], 'float32');
    // Offsets read after makeOutput: allocating may grow the memory. Every export takes (source, output, ...).
    const k = simd.on(backend)!;
    const geometry = [B, H, W, C, a.Ho, a.Wo, a.kH, a.kW, ...a.strides, ...a.dilations, a.padTop, a.padLeft] as const;
    if (name === 'im2col_t') k.im2col_t(heapOffset(b, src), heapOffset(b, out), ...geometry);
    else k[name](heapOffset(b, src), heapOffset(b, out), ...geometry, a.Kp);
    return out;
  };
}

/**
 * Instantiates `patches.wat` on tfjs-backend-wasm's memory and registers {@link NNKIT_IM2COL} and
 * {@link NNKIT_COL2IM} (idempotent; awaited by `installKernels('wasm')`; nothing happens without SIMD).
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installPatches(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_IM2COL, kernelFunc: kernel('im2col') },
    { kernelName: NNKIT_COL2IM, kernelFunc: kernel('col2im') },
    { kernelName: NNKIT_IM2COL_T, kernelFunc: kernel('im2col_t') },
  ]);
}

/**
 * Every window of a plain NHWC convolution as one row (taps in HWC order, zeros outside the input
 * and past kH·kW·C), on the SIMD kernel (the caller checked {@link simdPatchesActive}).
 *
 * @param x `[B, H, W, C]`
 * @returns `[B·Ho·Wo, Kp]`
 * @example `im2colRows(x, patchesAttrs(x.shape, filter.shape, dy.shape, attrs))`
 */
export function im2colRows(x: Tensor, a: PatchesAttrs): Tensor {
  return engine().runKernel(NNKIT_IM2COL, { x }, a as unknown as NamedAttrMap) as Tensor;
}

/**
 * The windows of a plain NHWC convolution as columns: {@link im2colRows}' matrix transposed,
 * without its padding columns (one tap of one channel per row, `B·Ho·Wo` values; 3.7× faster
 * than {@link im2colRows} for one channel, whose windows' rows are runs of only `kW` values).
 *
 * @param x `[B, H, W, C]`
 * @returns `[kH·kW·C, B·Ho·Wo]`
 * @example `matMul(im2colColumns(x, attrs), reshape(dy, [-1, Cout]))` → the filter gradient `[kH·kW·C, Cout]`
 */
export function im2colColumns(x: Tensor, a: PatchesAttrs): Tensor {
  return engine().runKernel(NNKIT_IM2COL_T, { x }, a as unknown as NamedAttrMap) as Tensor;
}

/**
 * The adjoint of {@link im2colRows}: each window row's values added back where they were read
 * (a convolution's input gradient from `dy · Wᵀ`), on the SIMD kernel.
 *
 * @param cols `[B·Ho·Wo, Kp]`
 * @returns `[B, H, W, C]`
 * @example `col2imRows(matMul(dy2d, wT), patchesAttrs(x.shape, filter.shape, dy.shape, attrs))`
 */
export function col2imRows(cols: Tensor, a: PatchesAttrs): Tensor {
  return engine().runKernel(NNKIT_COL2IM, { cols }, a as unknown as NamedAttrMap) as Tensor;
}
