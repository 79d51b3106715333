import { add, concat, pad, relu, reshape, slice, tidy, transpose, type Tensor, type Tensor3D, type Tensor4D } from '@tensorflow/tfjs-core';
import { convDirectNchw, convDirectNchwApplies } from '../../kernels/simd/conv-direct-nchw.js';
import { convWindowsNchw, convWindowsNchwApplies } from '../../kernels/windows-conv-nchw.js';
import { depthwiseRowsApply } from '../../kernels/simd/depthwise-rows.js';
import { depthwiseRowsNchw, depthwiseRowsNchwApplies } from '../../kernels/simd/depthwise-rows-nchw.js';
import { depthwiseSpatialNchw, depthwiseSpatialNchwApplies, pointwiseNchw, pointwiseNchwApplies } from '../../kernels/simd/depthwise-spatial-nchw.js';
import { conv2dNhwc, convEpilogueAvailable, FAST_DEPTHWISE_TAP_COUNTS, type ConvEpilogue } from './kernel-conv.js';
import { convOutSize, expand, resolveConvPadding, type ConvPadding, type SizeArg } from './conv-args.js';
import { ArgumentError, ShapeError } from '../../errors/errors.js';

/** Options of {@link conv1d} / {@link conv2d}, as PyTorch's `F.conv1d` / `F.conv2d`. */
export interface ConvOptions {
  /** Stride, one number or one per spatial axis. Default 1. */
  stride?: SizeArg;
  /**
   * Zero padding: number / per-axis tuple (both sides), `'same'` or `'valid'`, or explicit
   * `[before, after]` pairs per spatial axis (e.g. from {@link resolveConvPadding}, resolved once
   * by a layer). Default 0.
   */
  padding?: ConvPadding;
  /** Spacing between kernel elements. Default 1. */
  dilation?: SizeArg;
  /** Blocked connections: `Cin` and `Cout` must be divisible by it. Default 1. */
  groups?: number;
  /**
   * The weight already in the kernel's layout ({@link prepareConvFilter} of this weight's current
   * values, same `groups`): skips the per-call weight transpose. For repeated inference with
   * fixed weights (the layers use it under `Module.cacheWeights`). The gradient to `weight` then
   * flows only if the filter was prepared inside the same recorded computation.
   */
  filter?: ConvFilter;
  /**
   * `'relu'`: the output is `relu(conv + bias)`. Where nothing records gradients on wasm with SIMD
   * (eval-mode inference), the bias and ReLU run inside the NHWC convolution kernel, in one pass
   * over its output; elsewhere as separate ops, with the same values.
   */
  activation?: 'relu';
}

/** A convolution weight in the layout of the NHWC kernels (see {@link prepareConvFilter}). */
export interface ConvFilter {
  /** The weight it was prepared from (`[Cout, Cin/groups, K]` or `[Cout, Cin/groups, kH, kW]`). */
  readonly weight: Tensor;
  readonly groups: number;
  /** One HWIO / depthwise filter, or one per group. */
  readonly tensors: Tensor[];
}

/** The kernel-layout filters of a 4-D PyTorch weight `[Cout, Cin/groups, kH, kW]`. */
function filterParts(w: Tensor4D, groups: number): Tensor[] {
  const [cout, cinG, kH, kW] = w.shape;
  if (groups === 1) return [transpose(w, [2, 3, 1, 0])];
  if (cinG === 1) return [transpose(reshape(w, [groups, cout / groups, kH, kW]), [2, 3, 0, 1])];
  const coutG = cout / groups;
  return Array.from({ length: groups }, (_, g) => transpose(slice(w, [g * coutG, 0, 0, 0], [coutG, cinG, kH, kW]), [2, 3, 1, 0]));
}

/**
 * A conv weight in the layout the NHWC kernels take, for {@link ConvOptions.filter}: computed
 * once for fixed weights instead of on every call.
 *
 * @param weight `[Cout, Cin/groups, K]` (conv1d) or `[Cout, Cin/groups, kH, kW]` (conv2d)
 * @example
 * ```ts
 * const filter = prepareConvFilter(w, 1);
 * for (const x of trials) conv1d(x, w, b, { padding: 'same', filter });
 * ```
 */
export function prepareConvFilter(weight: Tensor, groups = 1): ConvFilter {
  if (weight.rank !== 3 && weight.rank !== 4) throw new ShapeError('prepareConvFilter', 'rank 3 or 4', weight.shape, 'weight');
  const w4 = (weight.rank === 3 ? reshape(weight, [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]) : weight) as Tensor4D;
  return { weight, groups, tensors: filterParts(w4, groups) };
}

function checkFilter(fn: string, f: ConvFilter | undefined, weight: Tensor, groups: number): void {
  if (f !== undefined && !(f.weight === weight && f.groups === groups)) throw new ArgumentError(fn, 'opts.filter was prepared from another weight or groups');
}

/** Options of {@link causalConv1d} / {@link causalConv2d}: padding is implied. */
export type CausalConvOptions = Omit<ConvOptions, 'padding'>;

function chw2hwc(x: Tensor4D): Tensor4D {
  return x.shape[1] === 1 ? reshape(x, [x.shape[0], x.shape[2], x.shape[3], 1]) : transpose(x, [0, 2, 3, 1]);
}

function hwc2chw(y: Tensor4D): Tensor4D {
  return y.shape[3] === 1 ? reshape(y, [y.shape[0], 1, y.shape[1], y.shape[2]]) : transpose(y, [0, 3, 1, 2]);
}

/**
 * Convolution of an NHWC input with a PyTorch-layout weight `[Cout, Cin/groups, kH, kW]`
 * and explicit [t, b, l, r] padding; returns NHWC. Internal building block of conv1d/conv2d.
 */
function convNhwc(x: Tensor4D, w: Tensor4D, stride: number[], dilation: number[], p: [number, number, number, number], groups: number, filter?: ConvFilter, epilogue?: ConvEpilogue): Tensor4D {
  const [, cinG] = w.shape;
  const base = { strides: [stride[0]!, stride[1]!] as [number, number], dilations: [dilation[0]!, dilation[1]!] as [number, number], pad: p };
  const parts = filter?.tensors ?? filterParts(w, groups);
  // PyTorch output channel g*m + j == tfjs depthwise channel c*multiplier + j.
  if (groups !== 1 && cinG === 1) return depthwiseFastTaps(x, parts[0]!, base);
  if (groups === 1) return conv2dNhwc(x, parts[0]!, { ...base, depthwise: false }, epilogue);
  const [b, h, wd] = x.shape;
  return concat(
    parts.map((f, g) => conv2dNhwc(slice(x, [0, 0, 0, g * cinG!], [b, h, wd, cinG!]), f, { ...base, depthwise: false })),
    3,
  );
}


/**
 * A depthwise convolution whose `1 × kW` kernel (stride and dilation 1 along W) has a tap count
 * without a fast wasm kernel (EEGNet's separable `1 × 16`): the filter is zero-extended on the
 * right to the next fast count (4, 9 or 25 taps) and the right padding grown to match, so the
 * forward pass and both gradients run on XNNPACK's single-pass kernels (3–4× the multiply-adds
 * per second). The extra taps multiply zeros into nothing; the filter's gradient is sliced back.
 * Not where nnkit's SIMD kernel runs it ({@link depthwiseRowsApply}: every tap count is fast there).
 */
function depthwiseFastTaps(x: Tensor4D, f: Tensor, base: { strides: [number, number]; dilations: [number, number]; pad: [number, number, number, number] }): Tensor4D {
  const [kH, kW] = f.shape as [number, number];
  const nt = FAST_DEPTHWISE_TAP_COUNTS.find((t) => t >= kW);
  if (depthwiseRowsApply(x.shape, f.shape, { ...base, depthwise: true }) || kH !== 1 || nt === undefined || nt === kW || base.strides[1] !== 1 || base.dilations[1] !== 1) return conv2dNhwc(x, f, { ...base, depthwise: true });
  const [t, b, l, r] = base.pad;
  const fe = pad(f, [[0, 0], [0, nt - kW], [0, 0], [0, 0]]);
  return conv2dNhwc(x, fe, { ...base, pad: [t, b, l, r + nt - kW], depthwise: true });
}

function checkArgs(fn: string, x: Tensor, w: Tensor, bias: Tensor | null | undefined, groups: number, rank: number): void {
  if (x.rank !== rank) throw new ShapeError(fn, `rank ${rank} ${rank === 3 ? '[B, Cin, T]' : '[B, Cin, H, W]'}`, x.shape);
  if (w.rank !== rank) throw new ShapeError(fn, `rank ${rank} ${rank === 3 ? '[Cout, Cin/groups, K]' : '[Cout, Cin/groups, kH, kW]'}`, w.shape, 'weight');
  if (!(Number.isInteger(groups) && groups >= 1)) throw new ArgumentError(fn, `groups must be a positive integer, got ${groups}`);
  const cout = w.shape[0]!;
  if (cout % groups !== 0) throw new ArgumentError(fn, `out channels ${cout} not divisible by groups ${groups}`);
  if (x.shape[1] !== w.shape[1]! * groups) {
    throw new ShapeError(fn, `${w.shape[1]! * groups} channels (weight [${w.shape.join(', ')}] with groups=${groups})`, x.shape);
  }
  if (bias != null && !(bias.rank === 1 && bias.shape[0] === cout)) throw new ShapeError(fn, `[${cout}]`, bias.shape, 'bias');
}

/** `opts.activation`, checked: undefined or `'relu'` (an ArgumentError naming `fn` otherwise). */
function activationOf(fn: string, opts: ConvOptions): 'relu' | undefined {
  const a: unknown = opts.activation;
  if (a !== undefined && a !== 'relu') throw new ArgumentError(fn, `activation must be 'relu' or undefined, got ${JSON.stringify(a)}`);
  return a;
}

/**
 * The convolution on one of nnkit's NCHW kernels, with no layout transposes — EEG spatial filters
 * (depthwise over all rows, one column), small pointwise convolutions, depthwise `1 × K` ones,
 * plain convolutions of a one-channel image, and of a few-channel image (an RGB stem) —
 * or null where the NHWC path (`NnkitConv2D`) runs it.
 */
function nchwConvolution(x: Tensor4D, w: Tensor4D, groups: number, stride: number[], dilation: number[], p: [number, number, number, number]): (() => Tensor4D) | null {
  if (depthwiseSpatialNchwApplies(x, w, groups, stride, p)) return () => depthwiseSpatialNchw(x, w);
  if (pointwiseNchwApplies(x, w, groups, stride, p)) return () => pointwiseNchw(x, w, groups);
  if (depthwiseRowsNchwApplies(x, w, groups, stride, p)) return () => depthwiseRowsNchw(x, w, dilation[1]!, p[2], p[3]);
  if (convDirectNchwApplies(x, w, groups, stride, dilation, p)) return () => convDirectNchw(x, w, p);
  if (convWindowsNchwApplies(x, w, groups, stride, dilation, p)) return () => convWindowsNchw(x, w, { strides: [stride[0]!, stride[1]!], dilations: [dilation[0]!, dilation[1]!], pad: p });
  return null;
}

function conv2dPadded(fn: string, x: Tensor4D, w: Tensor4D, bias: Tensor | null | undefined, stride: number[], dilation: number[], p: [number, number, number, number], groups: number, filter?: ConvFilter, activation?: 'relu'): Tensor4D {
  const [, , H, W] = x.shape;
  const [, , kH, kW] = w.shape;
  const ho = convOutSize(H, kH, stride[0]!, p[0], p[1], dilation[0]!);
  const wo = convOutSize(W, kW, stride[1]!, p[2], p[3], dilation[1]!);
  if (!(ho > 0 && wo > 0)) {
    throw new ShapeError(fn, `a padded input of at least the kernel [${kH}, ${kW}] (dilation ${dilation})`, `[${H + p[0] + p[1]}, ${W + p[2] + p[3]}] after padding`);
  }
  const act = (y: Tensor4D): Tensor4D => (activation === 'relu' ? relu(y) : y);
  const nchw = nchwConvolution(x, w, groups, stride, dilation, p);
  if (nchw !== null) {
    return tidy(() => {
      const y = nchw();
      return act(bias == null ? y : add(y, reshape(bias, [1, -1, 1, 1])));
    });
  }
  return tidy(() => {
    // Bias and ReLU inside the kernel where nothing records gradients (eval-mode inference).
    if (groups === 1 && (bias != null || activation !== undefined) && convEpilogueAvailable()) {
      return hwc2chw(convNhwc(chw2hwc(x), w, stride, dilation, p, groups, filter, { bias: bias ?? null, relu: activation === 'relu' }));
    }
    let y = convNhwc(chw2hwc(x), w, stride, dilation, p, groups, filter);
    if (bias != null) y = add(y, reshape(bias, [1, 1, 1, -1]));
    return hwc2chw(act(y));
  });
}

/**
 * 2-D convolution with PyTorch semantics (`F.conv2d`), NCHW in and out.
 *
 * @param x input `[B, Cin, H, W]`
 * @param weight `[Cout, Cin/groups, kH, kW]` (PyTorch layout)
 * @param bias optional `[Cout]`
 * @returns `[B, Cout, Ho, Wo]`, `Ho = floor((H + padT + padB - dilation*(kH-1) - 1)/stride) + 1`
 * @example
 * ```ts
 * const y = conv2d(x, w, null, { padding: 'same', groups: 8 }); // depthwise when groups == Cin
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor4D {
  const groups = opts.groups ?? 1;
  checkArgs('conv2d', x, weight, bias, groups, 4);
  const stride = expand(opts.stride ?? 1, 2, 'conv2d: stride');
  const dilation = expand(opts.dilation ?? 1, 2, 'conv2d: dilation');
  const k = weight.shape.slice(2);
  const [[t, b], [l, r]] = resolveConvPadding(opts.padding ?? 0, k, dilation, stride, 'conv2d') as [[number, number], [number, number]];
  checkFilter('conv2d', opts.filter, weight, groups);
  return conv2dPadded('conv2d', x as Tensor4D, weight as Tensor4D, bias, stride, dilation, [t, b, l, r], groups, opts.filter, activationOf('conv2d', opts));
}

function conv1dPadded(fn: string, x: Tensor, w: Tensor, bias: Tensor | null | undefined, stride: number, dilation: number, left: number, right: number, groups: number, filter?: ConvFilter): Tensor3D {
  const [B, C, T] = x.shape as [number, number, number];
  const [co, ci, K] = w.shape as [number, number, number];
  const to = convOutSize(T, K, stride, left, right, dilation);
  if (!(to > 0)) throw new ShapeError(fn, `a padded input length of at least the kernel ${K} (dilation ${dilation})`, `length ${T + left + right} after padding`);
  return tidy(() => {
    // A small pointwise convolution: in NCHW on nnkit's rows-product kernel (as conv2d's), no transposes.
    if (K === 1 && stride === 1 && left === 0 && right === 0) {
      const xp = reshape(x, [B, C, 1, T]);
      const wp = reshape(w, [co, ci, 1, 1]);
      if (pointwiseNchwApplies(xp, wp, groups, [1, 1], [0, 0, 0, 0])) {
        const y = reshape(pointwiseNchw(xp, wp, groups), [B, co, T]) as Tensor3D;
        return bias == null ? y : add(y, reshape(bias, [1, -1, 1]));
      }
    }
    // A one-channel input: in NCHW on nnkit's direct kernel (as conv2d's), no transposes.
    if (C === 1 && stride === 1 && dilation === 1) {
      const xr = reshape(x, [B, 1, 1, T]);
      const wr = reshape(w, [co, 1, 1, K]);
      if (convDirectNchwApplies(xr, wr, groups, [1, 1], [1, 1], [0, 0, left, right])) {
        const y = reshape(convDirectNchw(xr, wr, [0, 0, left, right]), [B, co, to]) as Tensor3D;
        return bias == null ? y : add(y, reshape(bias, [1, -1, 1]));
      }
    }
    const x4 = C === 1 ? reshape(x, [B, 1, T, 1]) : reshape(transpose(x, [0, 2, 1]), [B, 1, T, C]);
    let y = convNhwc(x4 as Tensor4D, reshape(w, [co, ci, 1, K]), [1, stride], [1, dilation], [0, 0, left, right], groups, filter);
    if (bias != null) y = add(y, reshape(bias, [1, 1, 1, -1]));
    return co === 1 ? reshape(y, [B, 1, to]) : transpose(reshape(y, [B, to, co]), [0, 2, 1]);
  });
}

/**
 * 1-D convolution with PyTorch semantics (`F.conv1d`), `(B, C, T)` in and out.
 *
 * @param x input `[B, Cin, T]`
 * @param weight `[Cout, Cin/groups, K]`
 * @param bias optional `[Cout]`
 * @returns `[B, Cout, To]`, `To = floor((T + 2*padding - dilation*(K-1) - 1)/stride) + 1`
 * @example
 * ```ts
 * const y = conv1d(x, w, b, { dilation: 4, padding: 'same' });
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor3D {
  const groups = opts.groups ?? 1;
  checkArgs('conv1d', x, weight, bias, groups, 3);
  const [stride] = expand(opts.stride ?? 1, 1, 'conv1d: stride') as [number];
  const [dilation] = expand(opts.dilation ?? 1, 1, 'conv1d: dilation') as [number];
  const [[l, r]] = resolveConvPadding(opts.padding ?? 0, [weight.shape[2]!], [dilation], [stride], 'conv1d') as [[number, number]];
  checkFilter('conv1d', opts.filter, weight, groups);
  const activation = activationOf('conv1d', opts);
  const y = conv1dPadded('conv1d', x, weight, bias, stride, dilation, l, r, groups, opts.filter);
  return activation === 'relu' ? tidy(() => relu(y)) : y;
}

/**
 * Causal 1-D convolution: left-pads the time axis by `dilation*(K-1)` so output `t` sees only
 * inputs `<= t` (same as `Conv1d(padding=(K-1)*d)` followed by `Chomp1d((K-1)*d)`).
 *
 * @param x `[B, Cin, T]`; weight `[Cout, Cin/groups, K]`; bias optional `[Cout]`
 * @returns `[B, Cout, floor((T-1)/stride)+1]`
 * @example
 * ```ts
 * const y = causalConv1d(x, w, null, { dilation: 2 }); // y: [B, Cout, T]
 * ```
 */
export function causalConv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: CausalConvOptions = {}): Tensor3D {
  const groups = opts.groups ?? 1;
  checkArgs('causalConv1d', x, weight, bias, groups, 3);
  const [stride] = expand(opts.stride ?? 1, 1, 'causalConv1d: stride') as [number];
  const [dilation] = expand(opts.dilation ?? 1, 1, 'causalConv1d: dilation') as [number];
  checkFilter('causalConv1d', opts.filter, weight, groups);
  const activation = activationOf('causalConv1d', opts);
  const y = conv1dPadded('causalConv1d', x, weight, bias, stride, dilation, dilation * (weight.shape[2]! - 1), 0, groups, opts.filter);
  return activation === 'relu' ? tidy(() => relu(y)) : y;
}

/**
 * Causal 2-D convolution on `[B, C, H, T]`: left-pads only the last (time) axis by
 * `dilation[1]*(kW-1)`; the first spatial axis is not padded.
 *
 * @param x `[B, Cin, H, T]`; weight `[Cout, Cin/groups, kH, kW]`; bias optional `[Cout]`
 * @returns `[B, Cout, Ho, floor((T-1)/stride[1])+1]`
 * @example
 * ```ts
 * const y = causalConv2d(x, w, null, { dilation: [1, 2] });
 * ```
 */
export function causalConv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: CausalConvOptions = {}): Tensor4D {
  const groups = opts.groups ?? 1;
  checkArgs('causalConv2d', x, weight, bias, groups, 4);
  const stride = expand(opts.stride ?? 1, 2, 'causalConv2d: stride');
  const dilation = expand(opts.dilation ?? 1, 2, 'causalConv2d: dilation');
  const left = dilation[1]! * (weight.shape[3]! - 1);
  checkFilter('causalConv2d', opts.filter, weight, groups);
  return conv2dPadded('causalConv2d', x as Tensor4D, weight as Tensor4D, bias, stride, dilation, [0, 0, left, 0], groups, opts.filter, activationOf('causalConv2d', opts));
}
