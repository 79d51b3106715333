import { reshape, type KernelBackend, type KernelConfig, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from './conv-nhwc.js';
import { product } from './gradients/product.js';

/**
 * Pointwise (1 × 1) convolutions as matrix products. A plain NHWC convolution with a 1 × 1 kernel
 * at stride 1 without padding is `[B·H·W, Cin] · [Cin, Cout]` on the same memory (the filter
 * `[1, 1, Cin, Cout]` is already the right matrix), so `NnkitConv2D` runs it — where nnkit's
 * pack-free SIMD product does not take it (`tiles-conv.ts`: fewer than 8 output channels, no SIMD,
 * the cpu backend) — on the backend's own `BatchMatMul` (XNNPACK on wasm, not nnkit's SIMD products: like the convolution, it computes
 * every output row in the same order whatever the batch) and its gradients are the two products `dy · Wᵀ` and `xᵀ · dy`.
 *
 * Why: tfjs-backend-wasm's `Conv2D` re-creates its XNNPACK operator whenever the filter tensor is
 * new (every training step, every `conv2d` call with an OIHW weight), and that re-creation
 * transposes the filter in a scalar loop first: measured 2026-12-03 for Inception's Mixed_7c
 * `1 × 1` 2048 → 448 on 8 × 8 (b1), 14.8 ms with a fresh filter against 5.2 ms with a cached one;
 * the same product through `BatchMatMul` takes ~5 ms either way. The gradients' products replace
 * a zero-padded-window path (`dy · Wᵀ` then a col2im that is a copy here) and the batch-as-channels
 * convolution of the filter gradient.
 */

/**
 * Whether `NnkitConv2D` with these shapes is a pointwise product: plain (not depthwise), a
 * `1 × 1` kernel, stride 1, no padding (dilation has no effect on one tap), non-empty operands.
 *
 * @param x input `[B, H, W, Cin]`
 * @param filter `[kH, kW, Cin, Cout]`
 * @example `pointwiseConvApplies([1, 8, 8, 2048], [1, 1, 2048, 448], attrs) // true when attrs has stride 1 and no padding`
 */
export function pointwiseConvApplies(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  return (
    !a.depthwise &&
    filter[0] === 1 &&
    filter[1] === 1 &&
    a.strides[0] === 1 &&
    a.strides[1] === 1 &&
    a.pad.every((p) => p === 0) &&
    x.length === 4 &&
    x.every((d) => d > 0) &&
    filter[3]! > 0
  );
}

/**
 * The forward pass inside `NnkitConv2D`'s kernel function (the caller checked
 * {@link pointwiseConvApplies}): the backend's own `BatchMatMul` kernel on `[1, B·H·W, Cin]` and
 * `[1, Cin, Cout]` views of the same data (no copies), its output viewed as `[B, H, W, Cout]`.
 *
 * @param batchMatMul the backend's registered `BatchMatMul` kernel
 * @returns `[B, H, W, Cout]`
 */
export function runPointwiseConv(backend: KernelBackend, batchMatMul: KernelConfig, x: TensorInfo, filter: TensorInfo): TensorInfo {
  const [B, H, W, Cin] = x.shape as [number, number, number, number];
  const Cout = filter.shape[3]!;
  const a: TensorInfo = { dataId: x.dataId, shape: [1, B * H * W, Cin], dtype: x.dtype };
  const b: TensorInfo = { dataId: filter.dataId, shape: [1, Cin, Cout], dtype: filter.dtype };
  const attrs = { transposeA: false, transposeB: false } as unknown as NamedAttrMap;
  const out = batchMatMul.kernelFunc({ inputs: { a, b }, backend, attrs }) as TensorInfo;
  return { dataId: out.dataId, shape: [B, H, W, Cout], dtype: out.dtype };
}

/**
 * Input gradient of a pointwise convolution: `dy · Wᵀ` (through {@link product}: on wasm `W` is
 * transposed first, tfjs' transposed GEMM being 5× slower).
 *
 * @param dy `[B, H, W, Cout]`; f `[1, 1, Cin, Cout]`
 * @returns `[B, H, W, Cin]`
 */
export function pointwiseInputGrad(dy: Tensor, f: Tensor): Tensor {
  const [B, H, W, Cout] = dy.shape as [number, number, number, number];
  const Cin = f.shape[2]!;
  return reshape(product(reshape(dy, [B * H * W, Cout]), reshape(f, [Cin, Cout]), false, true), [B, H, W, Cin]);
}

/**
 * Filter gradient of a pointwise convolution: `xᵀ · dy` (through {@link product}: nnkit's SIMD
 * kernel when `dy` is tall and narrow, else `x` transposed first).
 *
 * @param x `[B, H, W, Cin]`; dy `[B, H, W, Cout]`
 * @returns `[1, 1, Cin, Cout]`
 */
export function pointwiseFilterGrad(x: Tensor, dy: Tensor): Tensor {
  const [B, H, W, Cin] = x.shape as [number, number, number, number];
  const Cout = dy.shape[3]!;
  return reshape(product(reshape(x, [B * H * W, Cin]), reshape(dy, [B * H * W, Cout]), true, false), [1, 1, Cin, Cout]);
}
