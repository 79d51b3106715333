import {
  add,
  mean,
  mul,
  ones,
  pad,
  reshape,
  slice,
  sub,
  sum,
  tidy,
  transpose,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { runConv } from './conv.js';

/** Options of {@link temporalSpatialConv} and {@link temporalConvMoments}. */
export interface TemporalSpatialConvOptions {
  /** Time-axis padding of the temporal convolution: `'same'` (PyTorch's split), `'valid'`, both sides, or `[left, right]`. Default `'same'`. */
  padding?: 'same' | 'valid' | number | readonly [number, number];
}

/** Options of {@link temporalSpatialConv}. */
export interface TemporalSpatialAffine extends TemporalSpatialConvOptions {
  /** Per temporal filter scale `[F1]` applied between the two convolutions (a folded batch norm). */
  scale?: Tensor | null;
  /** Per temporal filter shift `[F1]` applied after `scale`. */
  shift?: Tensor | null;
  /**
   * Compute on `x − mean(x)` and add the mean's contribution back in closed form. The same
   * function; numerically better when `x` has a large offset and a folded batch norm's `shift`
   * cancels it (train mode with batch statistics): without it the spatial weight's gradient
   * is the difference of two large sums. Costs one more pass over `x`. Default false.
   */
  center?: boolean;
}

/** @internal */
export function check(cond: boolean, msg: string): void {
  if (!cond) throw new RangeError(msg);
}

/** @internal */
export function checkShapes(fn: string, x: Tensor, wT: Tensor, wS?: Tensor): void {
  check(x.rank === 4 && x.shape[1] === 1, `${fn}: expected input [B, 1, C, T], got [${x.shape}]`);
  check(wT.rank === 4 && wT.shape[1] === 1 && wT.shape[2] === 1, `${fn}: expected temporal weight [F1, 1, 1, K], got [${wT.shape}]`);
  if (wS !== undefined) {
    const C = x.shape[2]!;
    const F1 = wT.shape[0]!;
    check(
      wS.rank === 4 && wS.shape[1] === 1 && wS.shape[2] === C && wS.shape[3] === 1 && wS.shape[0]! % F1 === 0,
      `${fn}: expected spatial weight [F1*D, 1, ${C}, 1] (F1 = ${F1}), got [${wS.shape}]`,
    );
  }
}

/** @internal */
export function temporalPads(fn: string, wT: Tensor, padding: NonNullable<TemporalSpatialConvOptions['padding']>): [number, number] {
  const K = wT.shape[3]!;
  if (padding === 'same') return [Math.floor((K - 1) / 2), K - 1 - Math.floor((K - 1) / 2)];
  if (padding === 'valid') return [0, 0];
  const lr: number[] = typeof padding === 'number' ? [padding, padding] : [...padding];
  check(lr.length === 2 && lr.every((v) => Number.isInteger(v) && v >= 0), `${fn}: padding must be 'same', 'valid', a non-negative integer or [left, right], got ${JSON.stringify(padding)}`);
  return [lr[0]!, lr[1]!];
}

/**
 * `conv2d(x, wTemporal, {padding})` → per-filter `·scale + shift` → `conv2d(·, wSpatial, {groups: F1})`,
 * i.e. EEGNet's front end (temporal filter `[1, K]` on one input channel, a batch norm folded to
 * one affine, depthwise spatial filter `(C, 1)` over all electrodes), computed in the reordered
 * form that linearity allows: first the spatial mixing `C → F1·D` (one GEMM-like convolution),
 * then a depthwise temporal filter per output channel. This never materialises the
 * `[B, F1, C, T]` activation: `K·F1·C` + `C·F1·D` multiply-adds per sample become
 * `C·F1·D + K·F1·D` (≈7× fewer for EEG-TCNet), and no NCHW↔NHWC transposes of it are needed.
 * Differentiable in every tensor argument but `x`' gradient is not needed by callers that
 * feed data (it is still correct).
 *
 * @param x `[B, 1, C, T]`
 * @param wTemporal `[F1, 1, 1, K]`
 * @param wSpatial `[F1·D, 1, C, 1]` (group `f` of the depthwise conv reads temporal filter `f`)
 * @returns `[B, F1·D, 1, To]`, equal (up to float rounding) to the three-step composition.
 * @example
 * ```ts
 * // eval mode of Conv2d(1, 8, [1, 32], 'same') → BatchNorm2d(8) → Conv2d(8, 16, [22, 1], {groups: 8})
 * const y = temporalSpatialConv(x, convT.weight.data, convS.weight.data, { scale, shift });
 * ```
 */
export function temporalSpatialConv(x: Tensor, wTemporal: Tensor, wSpatial: Tensor, opts: TemporalSpatialAffine = {}): Tensor4D {
  const fn = 'temporalSpatialConv';
  checkShapes(fn, x, wTemporal, wSpatial);
  const [B, , C, T] = x.shape as [number, number, number, number];
  const [F1, , , K] = wTemporal.shape as [number, number, number, number];
  const J = wSpatial.shape[0]!;
  const D = J / F1;
  const [l, r] = temporalPads(fn, wTemporal, opts.padding ?? 'same');
  check(T + l + r >= K, `${fn}: kernel ${K} is larger than the padded input length ${T + l + r}`);
  return tidy(() => {
    const ws = reshape(wSpatial, [J, C]);
    const mu = opts.center ? mean(x) : null;
    const xc = mu ? sub(x, mu) : x;
    // Spatial mixing: x as NHWC [B, C, T, 1] (free), filter [C, 1, 1, J] → z [B, 1, T, J].
    const z = runConv(reshape(xc, [B, C, T, 1]), reshape(transpose(ws), [C, 1, 1, J]), {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [0, 0, 0, 0],
      depthwise: false,
    });
    // Depthwise temporal filter of output channel j = f·D + d: wTemporal[f]·scale[f].
    let kt = reshape(wTemporal, [F1, 1, K]);
    if (opts.scale != null) kt = mul(kt, reshape(opts.scale, [F1, 1, 1]));
    const kj = D === 1 ? reshape(kt, [J, K]) : reshape(mul(kt, ones([1, D, 1])), [J, K]);
    let y: Tensor = depthwiseTemporal(z, kj, l, r);
    // shift[f] passes through the spatial filter as shift[f]·Σ_c wSpatial[j, c]; so does the
    // removed mean μ, as μ·(temporal filter over the valid samples) — a [To] profile per filter
    // that differs from μ·Σ kj only within the padded edges.
    let offset: Tensor | null = null;
    if (opts.shift != null) {
      const sf = D === 1 ? opts.shift : reshape(mul(reshape(opts.shift, [F1, 1]), ones([1, D])), [J]);
      offset = reshape(sf, [1, 1, 1, J]);
    }
    if (mu) {
      const profile = mul(depthwiseTemporal(ones([1, 1, T, J]), kj, l, r), mu); // [1, 1, To, J]
      offset = offset ? add(profile, offset) : profile;
    }
    if (offset) y = add(y, mul(offset, reshape(sum(ws, 1), [1, 1, 1, J])));
    return transpose(y, [0, 3, 1, 2]) as Tensor4D;
  });
}

/** Tap counts with single-pass XNNPACK depthwise kernels on wasm (others run 3-4× slower). */
const FAST_TAPS = [4, 9, 25];

/**
 * Depthwise temporal convolution of NHWC `z` [B, 1, T, J] with per-channel filters `kj` [J, K]
 * and [left, right] zero padding, cut into pieces of at most 25 taps, each zero-extended to the
 * next fast tap count (4, 9, 25), run on shifted views of the padded input and summed.
 */
function depthwiseTemporal(z: Tensor, kj: Tensor, l: number, r: number): Tensor {
  const [B, , T, J] = z.shape as [number, number, number, number];
  const K = kj.shape[1]!;
  const conv = (x: Tensor, k: Tensor, pads: [number, number]): Tensor4D =>
    runConv(x, reshape(transpose(k), [1, k.shape[1]!, J, 1]), { strides: [1, 1], dilations: [1, 1], pad: [0, 0, pads[0], pads[1]], depthwise: true });
  if (K <= 25 && FAST_TAPS.includes(K)) return conv(z, kj, [l, r]);
  const To = T + l + r - K + 1;
  const zp = pad(z, [
    [0, 0],
    [0, 0],
    [l, r + 25],
    [0, 0],
  ]);
  let y: Tensor | undefined;
  for (let c0 = 0; c0 < K; c0 += 25) {
    const n = Math.min(25, K - c0);
    const nt = FAST_TAPS.find((t) => t >= n)!;
    let k = slice(kj, [0, c0], [J, n]);
    if (nt > n) k = pad(k, [[0, 0], [0, nt - n]]);
    const part = conv(slice(zp, [0, 0, c0, 0], [B, 1, To + nt - 1, J]), k, [0, 0]);
    y = y === undefined ? part : add(y, part);
  }
  return y!;
}
