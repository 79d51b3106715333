import {
  engine,
  getBackend,
  getKernel,
  pad,
  registerKernel,
  reshape,
  slice,
  type KernelBackend,
  type KernelConfig,
  type NamedAttrMap,
  type Tensor,
  type Tensor4D,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { NotSupportedError } from '../errors/errors.js';
import { convOutSize } from '../ops/conv/conv-args.js';
import { broadcastRowsApply, runBroadcastRows } from './simd/broadcast-rows.js';
import { depthwiseRowsApply, runDepthwiseRows } from './simd/depthwise-rows.js';
import { depthwiseSpatialApply, runDepthwiseSpatial } from './simd/depthwise-spatial.js';
import { pointwiseConvApplies, runPointwiseConv } from './pointwise-conv.js';
import { runTilesConv, tilesConvApplies } from './tiles-conv.js';
import { runWinograd, winogradApplies } from './simd/winograd.js';
import { runWinogradRows, winogradRowsApplies } from './simd/winograd-rows.js';
import { hasSimdRowVector, rowVectorEpilogue } from './simd/row-vector.js';
import { originalKernel } from './simd/wasm-module.js';

/**
 * Name of nnkit's NHWC convolution kernel: a plain (`Conv2D`) or depthwise
 * (`DepthwiseConv2dNative`) convolution with explicit padding, any stride together with any
 * dilation, and a gradient that works on wasm and cpu (tfjs' own refuses dilation > 1 and
 * wasm lacks the filter-gradient kernels); the gradient is in `gradients/NnkitConv2D-grad.ts`.
 * On wasm, depthwise convolutions with a one-row kernel run on nnkit's SIMD kernel
 * (`simd/depthwise-rows.ts`), and so do one-row plain convolutions of a one-channel input
 * (`simd/broadcast-rows.ts`) and depthwise ones whose kernel spans all rows in one column
 * (`simd/depthwise-spatial.ts`); plain convolutions with at least 8 output channels (see
 * `tiles-conv.ts` for which) run on nnkit's pack-free SIMD product, other pointwise (`1 × 1`,
 * stride 1, unpadded) ones on the backend's own `BatchMatMul` (`pointwise-conv.ts`); the rest on
 * tfjs' own kernels.
 */
export const NNKIT_CONV = 'NnkitConv2D';

/** Attributes of the {@link NNKIT_CONV} kernel (all spatial pairs are [h, w]). */
export interface NnkitConvAttrs {
  strides: [number, number];
  dilations: [number, number];
  /** [top, bottom, left, right] zero padding. */
  pad: [number, number, number, number];
  /** Depthwise: filter [kH, kW, C, M], output channel c*M+m; else filter [kH, kW, Cin, Cout]. */
  depthwise: boolean;
  /**
   * `max(y, 0)` after the optional `bias` input (`[Cout]`) is added: the epilogue, in place on
   * the output in one pass (wasm with SIMD only; no gradient: callers use it without a tape).
   */
  relu?: boolean;
}

function kernelAttrs(strides: number[], dilations: number[], p: readonly number[]): NamedAttrMap {
  return {
    strides,
    dilations,
    pad: [
      [0, 0],
      [p[0], p[1]],
      [p[2], p[3]],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as NamedAttrMap;
}

/**
 * tfjs-backend-wasm's depthwise convolution (XNNPACK) has single-pass kernels for 4, 9 and 25
 * taps; other tap counts run 3-4× slower per multiply-add (measured: 25 taps 1.8 GMAC/s, 26 or
 * 32 taps 0.45). Long depthwise filters (and the chunked filter gradient) are therefore cut into
 * pieces of this many taps.
 */
export const FAST_DEPTHWISE_TAPS = 25;

/** Tap counts with a single-pass depthwise kernel on tfjs-backend-wasm (see {@link FAST_DEPTHWISE_TAPS}). */
export const FAST_DEPTHWISE_TAP_COUNTS: readonly number[] = [4, 9, FAST_DEPTHWISE_TAPS];

/**
 * Runs `conv(strides)` — a convolution at the given strides — except where tfjs-backend-cpu's
 * depthwise kernel refuses stride > 1 together with dilation > 1: then it runs at stride 1 and
 * keeps every stride-th row/column ({@link subsample}). The one place this workaround lives.
 */
export function withCpuDepthwiseStrides(strides: readonly [number, number], dilations: readonly number[], depthwise: boolean, conv: (strides: [number, number]) => Tensor4D): Tensor4D {
  if (depthwise && getBackend() === 'cpu' && strides.some((s, i) => s > 1 && dilations[i]! > 1)) {
    return subsample(conv([1, 1]), strides[0], strides[1]);
  }
  return conv([strides[0], strides[1]]);
}

/** Runs tfjs' own Conv2D / DepthwiseConv2dNative kernel (no op-level asserts: stride and dilation may both be > 1). */
export function rawConv(x: Tensor, f: Tensor, strides: number[], dilations: number[], p: readonly number[], depthwise: boolean): Tensor4D {
  return withCpuDepthwiseStrides([strides[0]!, strides[1]!], dilations, depthwise, (st) =>
    engine().runKernel(depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', { x, filter: f }, kernelAttrs(st, dilations, p)),
  );
}

/** Keeps every sh-th row and sw-th column (from 0) of [B, H, W, C]; differentiable (pad/reshape/slice). */
export function subsample(t: Tensor4D, sh: number, sw: number): Tensor4D {
  const [b, h, w, c] = t.shape;
  const ho = Math.floor((h - 1) / sh) + 1;
  const wo = Math.floor((w - 1) / sw) + 1;
  const p = pad(t, [
    [0, 0],
    [0, ho * sh - h],
    [0, wo * sw - w],
    [0, 0],
  ]);
  return reshape(slice(reshape(p, [b, ho, sh, wo, sw, c]), [0, 0, 0, 0, 0, 0], [b, ho, 1, wo, 1, c]), [b, ho, wo, c]);
}

/** The output shape `[B, Ho, Wo, Cout]` of {@link NNKIT_CONV} with these input and filter shapes (an axis 0 where nothing fits). */
function convOutShape(x: readonly number[], f: readonly number[], a: NnkitConvAttrs): [number, number, number, number] {
  const [B, H, W, C] = x as [number, number, number, number];
  const [kH, kW, , M] = f as [number, number, number, number];
  const out = (len: number, k: number, s: number, d: number, p0: number, p1: number): number => Math.max(0, convOutSize(len, k, s, p0, p1, d));
  return [B, out(H, kH, a.strides[0], a.dilations[0], a.pad[0], a.pad[1]), out(W, kW, a.strides[1], a.dilations[1], a.pad[2], a.pad[3]), a.depthwise ? C * M : M];
}

/**
 * The output of a convolution over an empty input (batch 0, or a zero-size axis): tfjs-backend-wasm's
 * XNNPACK convolution refuses it (and an empty transpose traps), so it is made here — empty, or
 * zeros when only the channels are empty. Null when the input is not empty.
 */
function emptyConvOutput(x: TensorInfo, f: TensorInfo, a: NnkitConvAttrs, backend: KernelBackend): TensorInfo | null {
  if (!x.shape.some((d) => d === 0)) return null;
  const shape = convOutShape(x.shape, f.shape, a);
  return { dataId: backend.write(new Float32Array(shape.reduce((p, v) => p * v, 1)), shape, 'float32'), shape, dtype: 'float32' };
}

function convKernelFor(backendName: string): KernelConfig {
  const conv2d = getKernel('Conv2D', backendName);
  const dw = getKernel('DepthwiseConv2dNative', backendName);
  if (conv2d === undefined || dw === undefined) {
    throw new NotSupportedError('installKernels', `backend '${backendName}' has no Conv2D/DepthwiseConv2dNative kernel`);
  }
  return {
    kernelName: NNKIT_CONV,
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const bias = (inputs.bias as TensorInfo | undefined) ?? null;
      const y = convolve(args);
      const relu = (attrs as Partial<NnkitConvAttrs> | undefined)?.relu === true;
      if (bias === null && !relu) return y;
      if (backendName !== 'wasm' || !hasSimdRowVector(backend)) throw new NotSupportedError(NNKIT_CONV, `a bias or ReLU epilogue needs tfjs-backend-wasm with SIMD, not '${backendName}'`);
      if (y.shape.every((d) => d > 0)) rowVectorEpilogue(backend, y, bias, relu);
      return y;
    },
  };

  /** The convolution itself, on the fastest kernel for its shapes. */
  function convolve({ inputs, backend, attrs }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo {
    const a = attrs as unknown as NnkitConvAttrs;
    const empty = emptyConvOutput(inputs.x as TensorInfo, inputs.filter as TensorInfo, a, backend as KernelBackend);
    if (empty !== null) return empty;
    const x = inputs.x as TensorInfo;
    const f = inputs.filter as TensorInfo;
    if (backendName === 'wasm' && depthwiseRowsApply(x.shape, f.shape, a)) return runDepthwiseRows(backend as KernelBackend, x, f, a);
    if (backendName === 'wasm' && broadcastRowsApply(x.shape, f.shape, a)) return runBroadcastRows(backend as KernelBackend, x, f, a);
    if (backendName === 'wasm' && depthwiseSpatialApply(x.shape, f.shape, a)) return runDepthwiseSpatial(backend as KernelBackend, x, f);
    if (backendName === 'wasm' && winogradApplies(x.shape, f.shape, a)) {
      const shape = convOutShape(x.shape, f.shape, a);
      if (shape.every((d) => d > 0)) return runWinograd(backend, x, f, a, shape);
    }
    if (backendName === 'wasm' && winogradRowsApplies(x.shape, f.shape, a)) {
      const shape = convOutShape(x.shape, f.shape, a);
      if (shape.every((d) => d > 0)) return runWinogradRows(backend, x, f, a, shape);
    }
    if (backendName === 'wasm' && tilesConvApplies(x.shape, f.shape, a)) {
      const shape = convOutShape(x.shape, f.shape, a);
      if (shape.every((d) => d > 0)) return runTilesConv(backend, x, f, a, shape);
    }
    if (pointwiseConvApplies(x.shape, f.shape, a)) {
      // The backend's own GEMM (XNNPACK on wasm), not nnkit's wrapper: every output row is then
      // computed in the same order whatever the batch, as by the convolution it replaces (a
      // sample's output does not depend on the batch it is in). Looked up per call: the
      // wrapper (simd/matmul-tall.ts) may be installed after this kernel.
      const batchMatMul = originalKernel('BatchMatMul', backendName);
      if (batchMatMul !== undefined) return runPointwiseConv(backend as KernelBackend, batchMatMul, x, f);
    }
    const k = a.depthwise ? dw : conv2d;
    return k.kernelFunc({ inputs: { x, filter: f }, backend, attrs: kernelAttrs(a.strides, a.dilations, a.pad) }) as TensorInfo;
  }
}

/** Registers the {@link NNKIT_CONV} kernel for `backendName` (its gradient is registered with nnkit's other gradients). */
export function registerConvKernels(backendName: string): void {
  registerKernel(convKernelFor(backendName));
}
