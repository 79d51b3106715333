import { engine, getBackend, getKernel, type NamedAttrMap, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { NotSupportedError } from '../../errors/errors.js';
import { NNKIT_CONV, withCpuDepthwiseStrides, type NnkitConvAttrs } from '../../kernels/conv-nhwc.js';

export { FAST_DEPTHWISE_TAPS, FAST_DEPTHWISE_TAP_COUNTS } from '../../kernels/conv-nhwc.js';
export { hasSimdDepthwise } from '../../kernels/simd/depthwise-rows.js';

/**
 * Attributes of {@link conv2dNhwc}: a convolution with everything resolved (all pairs `[h, w]`).
 */
export interface KernelConvAttrs {
  strides: [number, number];
  dilations: [number, number];
  /** `[top, bottom, left, right]` zero padding. */
  pad: [number, number, number, number];
  /** Depthwise (filter `[kH, kW, C, M]`, output channel `c·M + m`) or plain (filter `[kH, kW, Cin, Cout]`). */
  depthwise: boolean;
}

/**
 * The low-level convolution under `conv1d`/`conv2d`, for ops that arrange data themselves (fused
 * ops, other packages' fast paths): NHWC input, a filter already in the kernel's layout (HWIO, or
 * `[kH, kW, C, M]` depthwise — see `prepareConvFilter`), explicit `[t, b, l, r]` zero padding,
 * any stride with any dilation. Runs nnkit's `NnkitConv2D` kernel, so it is differentiable in
 * `x` and `filter` on wasm and cpu with nnkit's gradients (tfjs-backend-wasm lacks some).
 * No shape checks beyond the kernel's own: callers check their arguments.
 *
 * @param x `[B, H, W, Cin]`
 * @param filter `[kH, kW, Cin, Cout]` (plain) or `[kH, kW, C, M]` (depthwise)
 * @returns `[B, Ho, Wo, Cout]` (`Cout = C·M` depthwise), `Ho = floor((H + t + b − dH·(kH−1) − 1)/sH) + 1`
 * @throws NotSupportedError when nnkit's kernels are not installed for the current backend.
 * @example
 * ```ts
 * // a [1, 32] temporal filter over [B, 1, T, 1] with 'same' padding: [B, 1, T, F]
 * const y = conv2dNhwc(x, filter, { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 15, 16], depthwise: false });
 * ```
 */
export function conv2dNhwc(x: Tensor, filter: Tensor, attrs: KernelConvAttrs): Tensor4D {
  const backend = getBackend();
  if (getKernel(NNKIT_CONV, backend) === undefined) {
    throw new NotSupportedError('conv2dNhwc', `nnkit's kernels are not installed for backend '${backend}'; call initBackend() (or installKernels('${backend}'))`);
  }
  return withCpuDepthwiseStrides(attrs.strides, attrs.dilations, attrs.depthwise, (strides) =>
    engine().runKernel(NNKIT_CONV, { x, filter }, { ...attrs, strides } satisfies NnkitConvAttrs as unknown as NamedAttrMap),
  );
}
