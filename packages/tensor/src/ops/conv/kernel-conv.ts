import { engine, getBackend, getKernel, type NamedAttrMap, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { isRecordingGradients } from '../../engine-internals.js';
import { ArgumentError, NotSupportedError } from '../../errors/errors.js';
import { hasSimdRowVector } from '../../kernels/simd/row-vector.js';
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

/** What {@link conv2dNhwc} applies to its output inside the kernel: `relu?(y + bias)`. */
export interface ConvEpilogue {
  /** `[Cout]`, added to every output position. */
  bias?: Tensor | null;
  /** `max(·, 0)` after the bias. */
  relu?: boolean;
}

/**
 * Whether {@link conv2dNhwc} can take an epilogue here: tfjs-backend-wasm with SIMD, and no
 * gradient tape recording (the fused kernel has no gradient for its bias and ReLU).
 *
 * @example `const y = convEpilogueAvailable() ? conv2dNhwc(x, f, attrs, { bias, relu: true }) : relu(add(conv2dNhwc(x, f, attrs), bias))`
 */
export function convEpilogueAvailable(): boolean {
  return getBackend() === 'wasm' && hasSimdRowVector(engine().backend) && !isRecordingGradients();
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
 * @param epilogue `relu?(y + bias)` in the same kernel, in one pass over its output (only where
 *   {@link convEpilogueAvailable}): no separate `Add` and `Relu`.
 * @returns `[B, Ho, Wo, Cout]` (`Cout = C·M` depthwise), `Ho = floor((H + t + b − dH·(kH−1) − 1)/sH) + 1`
 * @throws NotSupportedError when nnkit's kernels are not installed for the current backend, or an
 *   epilogue is asked for where {@link convEpilogueAvailable} is false (ArgumentError under a tape).
 * @example
 * ```ts
 * // a [1, 32] temporal filter over [B, 1, T, 1] with 'same' padding: [B, 1, T, F]
 * const y = conv2dNhwc(x, filter, { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 15, 16], depthwise: false });
 * ```
 */
export function conv2dNhwc(x: Tensor, filter: Tensor, attrs: KernelConvAttrs, epilogue: ConvEpilogue = {}): Tensor4D {
  const backend = getBackend();
  if (getKernel(NNKIT_CONV, backend) === undefined) {
    throw new NotSupportedError('conv2dNhwc', `nnkit's kernels are not installed for backend '${backend}'; call initBackend() (or installKernels('${backend}'))`);
  }
  const bias = epilogue.bias ?? null;
  const relu = epilogue.relu === true;
  if (bias !== null || relu) {
    if (isRecordingGradients()) throw new ArgumentError('conv2dNhwc', 'a bias or ReLU epilogue has no gradient: use it only without a gradient tape (see convEpilogueAvailable)');
    if (!convEpilogueAvailable()) throw new NotSupportedError('conv2dNhwc', `a bias or ReLU epilogue needs tfjs-backend-wasm with SIMD, not '${backend}'`);
    return engine().runKernel(NNKIT_CONV, bias === null ? { x, filter } : { x, filter, bias }, { ...attrs, relu } satisfies NnkitConvAttrs as unknown as NamedAttrMap) as Tensor4D;
  }
  return withCpuDepthwiseStrides(attrs.strides, attrs.dilations, attrs.depthwise, (strides) =>
    engine().runKernel(NNKIT_CONV, { x, filter }, { ...attrs, strides } satisfies NnkitConvAttrs as unknown as NamedAttrMap),
  );
}
