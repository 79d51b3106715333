import { engine, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { heapOffset as offset, type WasmHeapBackend } from './wasm-module.js';

/**
 * What the two families of 1 × K row kernels share (`depthwise-rows.wat`: depthwise, and
 * `broadcast-rows.wat`: one input channel into O): the shapes they take, the forward call, and the
 * filter-gradient kernel. Each export takes byte offsets x, f (or dy), y (or g), then
 * R = B·H rows, Win, Wout, O channels, K taps, dilation d and left padding pL.
 */
export type RowsFn = (x: number, f: number, y: number, R: number, Win: number, Wout: number, O: number, K: number, d: number, pL: number) => void;

/** Attributes of the row filter-gradient kernels: taps, dilation and left padding along W. */
export interface RowsFilterGradAttrs {
  taps: number;
  dilation: number;
  padLeft: number;
}

/** Output width of a row convolution: `W + pL + pR − (K − 1)·d`. */
function outWidth(W: number, K: number, a: NnkitConvAttrs): number {
  return W + a.pad[2] + a.pad[3] - (K - 1) * a.dilations[1];
}

/**
 * The geometry both row kernels take: a one-row kernel at stride 1 without H padding, a non-empty
 * input and output (any taps, dilation and W padding).
 *
 * @param x input `[B, H, W, Cin]`; `filter` `[1, K, ., .]`
 */
export function rowsGeometryFits(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  return filter[0] === 1 && a.strides[0] === 1 && a.strides[1] === 1 && a.pad[0] === 0 && a.pad[1] === 0 && x.every((d) => d > 0) && outWidth(x[2]!, filter[1]!, a) >= 1;
}

/** The forward pass of a row kernel inside a kernel function: `[B, H, Wo, O]`. */
export function runRows(backend: KernelBackend, fn: RowsFn, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs, O: number): TensorInfo {
  const b = backend as unknown as WasmHeapBackend;
  const [B, H, W] = x.shape as [number, number, number];
  const K = filter.shape[1]!;
  const Wo = outWidth(W, K, a);
  const y = b.makeOutput([B, H, Wo, O], 'float32');
  // Offsets read after makeOutput: allocating may grow the memory (the offsets stay valid).
  fn(offset(b, x), offset(b, filter), offset(b, y), B * H, W, Wo, O, K, a.dilations[1], a.pad[2]);
  return y;
}

/**
 * A filter-gradient kernel (inputs `x` `[B, H, W, Cin]`, `dy` `[B, H, Wo, O]`, attributes
 * {@link RowsFilterGradAttrs}) whose output `outShape(taps, O)` is filled by `fn(backend)`.
 */
export function rowsFilterGradKernel(fn: (backend: object) => RowsFn, outShape: (taps: number, O: number) => number[]): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as RowsFilterGradAttrs;
    const b = backend as unknown as WasmHeapBackend;
    const [B, H, W] = x.shape as [number, number, number];
    const O = dy.shape[3]!;
    const g = b.makeOutput(outShape(a.taps, O), 'float32');
    fn(backend)(offset(b, x), offset(b, dy), offset(b, g), B * H, W, dy.shape[2]!, O, a.taps, a.dilation, a.padLeft);
    return g;
  };
}

/** Runs the filter-gradient kernel `name` (differentiable only through its caller's gradient). */
export function runRowsFilterGrad(name: string, x: Tensor, dy: Tensor, a: RowsFilterGradAttrs): Tensor {
  return engine().runKernel(name, { x, dy }, a as unknown as NamedAttrMap) as Tensor;
}
