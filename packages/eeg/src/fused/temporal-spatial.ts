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
  zeros,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { ArgumentError, conv2dNhwc, FAST_DEPTHWISE_TAP_COUNTS, FAST_DEPTHWISE_TAPS, hasSimdDepthwise, resolveConvPadding, ShapeError } from '@nnkit/tensor';

/** Options of {@link temporalSpatialConv} and {@link temporalConvMoments}. */
export interface TemporalSpatialConvOptions {
  /**
   * Time-axis zero padding of the temporal convolution: `'same'` (PyTorch's split, resolved by
   * `@nnkit/tensor`'s `resolveConvPadding`), `'valid'`, both sides, or `[left, right]` (what
   * a `Conv2d`'s `asConvolution().padding[1]` gives). Default `'same'`.
   */
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

/** Throws a {@link ShapeError} from `fn` unless `cond` holds. Package-private. */
export function checkShape(cond: boolean, fn: string, expected: string, got: readonly number[], what = 'input'): void {
  if (!cond) throw new ShapeError(fn, expected, got, what);
}

/** Checks the input and weights of the fused ops. Package-private. */
export function checkShapes(fn: string, x: Tensor, wT: Tensor, wS?: Tensor): void {
  checkShape(x.rank === 4 && x.shape[1] === 1, fn, '[B, 1, C, T]', x.shape);
  checkShape(wT.rank === 4 && wT.shape[1] === 1 && wT.shape[2] === 1, fn, '[F1, 1, 1, K]', wT.shape, 'temporal weight');
  if (wS !== undefined) {
    const C = x.shape[2]!;
    const F1 = wT.shape[0]!;
    checkShape(wS.rank === 4 && wS.shape[1] === 1 && wS.shape[2] === C && wS.shape[3] === 1 && wS.shape[0]! % F1 === 0, fn, `[F1*D, 1, ${C}, 1] (F1 = ${F1})`, wS.shape, 'spatial weight');
  }
}

/** `[left, right]` time padding of a temporal weight `[F1, 1, 1, K]` (the 'same' rule is tensor's `resolveConvPadding`). Package-private. */
export function temporalPads(fn: string, wT: Tensor, padding: NonNullable<TemporalSpatialConvOptions['padding']>): [number, number] {
  const K = wT.shape[3]!;
  if (Array.isArray(padding) && padding.length !== 2) throw new ArgumentError(fn, `padding must be 'same', 'valid', a non-negative integer or [left, right], got ${JSON.stringify(padding)}`);
  const spec = Array.isArray(padding) ? [[padding[0], padding[1]] as const] : (padding as number | 'same' | 'valid');
  return resolveConvPadding(spec, [K], [1], [1], fn)[0]!;
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
  if (!opts.center) return tidy(() => applyTemporalSpatial(x, prepareTemporalSpatial(wTemporal, wSpatial, opts)));
  const [, , , T] = x.shape as [number, number, number, number];
  return tidy(() => {
    // Centred: the weights prepared without the shift, applied to x − μ; then the shift and μ
    // pass through the spatial filter as (shift[f] + μ·p[t])·Σ_c wSpatial[j, c], where p is the
    // temporal filter over the valid samples — equal to Σ kj except within the padded edges.
    const w = prepareTemporalSpatial(wTemporal, wSpatial, { ...opts, shift: null });
    const mu = mean(x);
    let y: Tensor = applyTemporalSpatial(sub(x, mu), w, false);
    const profile = mul(applyPieces(ones([1, 1, T, w.J]), w), mu); // [1, 1, To, J]
    const shift = offsetOf(wTemporal, wSpatial, opts.shift ?? null);
    // The two per-(t, j) terms summed first: one full-size add, and one batch reduction in backward.
    const offset = mul(profile, w.spatialSum);
    y = add(y, shift ? add(offset, shift) : offset);
    return transpose(y, [0, 3, 1, 2]) as Tensor4D;
  });
}

/** One piece of a long temporal filter: taps `c0 … c0 + nt − 1` as a depthwise filter `[1, nt, J, 1]`. */
interface Piece {
  c0: number;
  nt: number;
  filter: Tensor;
}

/**
 * The weight-only part of {@link temporalSpatialConv}, computed once for fixed weights (eval
 * mode): the spatial filter in the kernel's layout, the (scaled) temporal filter cut into
 * fast-tap depthwise pieces, and the folded shift's contribution. Apply with
 * {@link applyTemporalSpatial}; free with `tensors.forEach(t => t.dispose())`.
 */
export interface TemporalSpatialWeights {
  C: number;
  J: number;
  K: number;
  /** Left / right time padding. */
  l: number;
  r: number;
  /** Spatial filter `[C, 1, 1, J]` (NHWC conv layout). */
  spatial: Tensor;
  /** `Σ_c wSpatial[j, c]` as `[1, 1, 1, J]`. */
  spatialSum: Tensor;
  pieces: Piece[];
  /** `shift[f]·Σ_c wSpatial[j, c]` as `[1, 1, 1, J]`, or null without a shift. */
  offset: Tensor | null;
  /** Every tensor above. */
  tensors: Tensor[];
}

function offsetOf(wTemporal: Tensor, wSpatial: Tensor, shift: Tensor | null): Tensor | null {
  if (shift == null) return null;
  const F1 = wTemporal.shape[0]!;
  const J = wSpatial.shape[0]!;
  const D = J / F1;
  const sf = D === 1 ? shift : reshape(mul(reshape(shift, [F1, 1]), ones([1, D])), [J]);
  return reshape(mul(sf, sum(reshape(wSpatial, [J, -1]), 1)), [1, 1, 1, J]);
}

/**
 * Prepares the weights of {@link temporalSpatialConv} (`wTemporal [F1, 1, 1, K]`,
 * `wSpatial [F1·D, 1, C, 1]`, optional per-filter `scale`/`shift` `[F1]`) for repeated
 * {@link applyTemporalSpatial} calls. Differentiable like the op.
 * @example
 * ```ts
 * const w = prepareTemporalSpatial(convT.weight.data, convS.weight.data, { scale, shift });
 * const y = applyTemporalSpatial(x, w); // x: [B, 1, C, T] → [B, F1·D, 1, To]
 * ```
 */
export function prepareTemporalSpatial(wTemporal: Tensor, wSpatial: Tensor, opts: TemporalSpatialAffine = {}): TemporalSpatialWeights {
  const fn = 'prepareTemporalSpatial';
  checkShape(wTemporal.rank === 4 && wTemporal.shape[1] === 1 && wTemporal.shape[2] === 1, fn, '[F1, 1, 1, K]', wTemporal.shape, 'temporal weight');
  const [F1, , , K] = wTemporal.shape as [number, number, number, number];
  const J = wSpatial.shape[0]!;
  const C = wSpatial.shape[2]!;
  checkShape(wSpatial.rank === 4 && wSpatial.shape[1] === 1 && wSpatial.shape[3] === 1 && J % F1 === 0, fn, `[F1*D, 1, C, 1] (F1 = ${F1})`, wSpatial.shape, 'spatial weight');
  const D = J / F1;
  const [l, r] = temporalPads(fn, wTemporal, opts.padding ?? 'same');
  const ws = reshape(wSpatial, [J, C]);
  const spatial = reshape(transpose(ws), [C, 1, 1, J]);
  const spatialSum = reshape(sum(ws, 1), [1, 1, 1, J]);
  // Depthwise temporal filter of output channel j = f·D + d: wTemporal[f]·scale[f].
  let kt = reshape(wTemporal, [F1, 1, K]);
  if (opts.scale != null) kt = mul(kt, reshape(opts.scale, [F1, 1, 1]));
  const kj = D === 1 ? reshape(kt, [J, K]) : reshape(mul(kt, ones([1, D, 1])), [J, K]);
  const pieces = temporalPieces(kj);
  const offset = offsetOf(wTemporal, wSpatial, opts.shift ?? null);
  const tensors = [spatial, spatialSum, ...pieces.map((p) => p.filter), ...(offset ? [offset] : [])];
  return { C, J, K, l, r, spatial, spatialSum, pieces, offset, tensors };
}

/**
 * {@link temporalSpatialConv} with weights from {@link prepareTemporalSpatial}.
 * @param x `[B, 1, C, T]`
 * @returns `[B, J, 1, To]` (or NHWC `[B, 1, To, J]` with `nchw = false`)
 */
export function applyTemporalSpatial(x: Tensor, w: TemporalSpatialWeights, nchw = true): Tensor4D {
  const fn = 'applyTemporalSpatial';
  checkShape(x.rank === 4 && x.shape[1] === 1 && x.shape[2] === w.C, fn, `[B, 1, ${w.C}, T]`, x.shape);
  const [B, , C, T] = x.shape as [number, number, number, number];
  checkShape(T + w.l + w.r >= w.K, fn, `[B, 1, ${C}, T] with T + padding >= kernel ${w.K}`, x.shape);
  return tidy(() => {
    // Spatial mixing: x as NHWC [B, C, T, 1] (free), filter [C, 1, 1, J] → z [B, 1, T, J].
    const z = conv2dNhwc(reshape(x, [B, C, T, 1]), w.spatial, { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: false });
    let y: Tensor = applyPieces(z, w);
    if (w.offset) y = add(y, w.offset);
    return (nchw ? transpose(y, [0, 3, 1, 2]) : y) as Tensor4D;
  });
}

/**
 * Per-channel filters `kj` [J, K] cut into pieces of at most `FAST_DEPTHWISE_TAPS` (25) taps,
 * each zero-extended to the next fast tap count (4, 9, 25), in the depthwise kernel's layout
 * `[1, nt, J, 1]` — one piece of all K taps where nnkit's SIMD kernel runs it ({@link hasSimdDepthwise}).
 */
function temporalPieces(kj: Tensor): Piece[] {
  const [J, K] = kj.shape as [number, number];
  const U = FAST_DEPTHWISE_TAPS;
  const layout = (k: Tensor): Tensor => reshape(transpose(k), [1, k.shape[1]!, J, 1]);
  if (FAST_DEPTHWISE_TAP_COUNTS.includes(K) || hasSimdDepthwise(J)) return [{ c0: 0, nt: K, filter: layout(kj) }];
  const pieces: Piece[] = [];
  for (let c0 = 0; c0 < K; c0 += U) {
    const n = Math.min(U, K - c0);
    const nt = FAST_DEPTHWISE_TAP_COUNTS.find((t) => t >= n)!;
    let k = slice(kj, [0, c0], [J, n]);
    if (nt > n) k = pad(k, [[0, 0], [0, nt - n]]);
    pieces.push({ c0, nt, filter: layout(k) });
  }
  return pieces;
}

/**
 * Depthwise temporal convolution of NHWC `z` [B, 1, T, J] with the pieces of
 * {@link temporalPieces} and [left, right] zero padding: each piece reads the row from its own
 * first tap on, with the padding it needs passed to the convolution (no padded copy of `z`, and
 * no pad/slice pair in the backward pass); a piece starting past the left padding reads a slice
 * of `z`. The pieces' outputs are summed.
 */
function applyPieces(z: Tensor, w: Pick<TemporalSpatialWeights, 'K' | 'l' | 'r' | 'pieces' | 'J'>): Tensor {
  const [B, , T, J] = z.shape as [number, number, number, number];
  const { K, l, r, pieces } = w;
  const conv = (x: Tensor, f: Tensor, pads: [number, number]): Tensor4D =>
    conv2dNhwc(x, f, { strides: [1, 1], dilations: [1, 1], pad: [0, 0, pads[0], pads[1]], depthwise: true });
  if (pieces.length === 1 && pieces[0]!.nt === K) return conv(z, pieces[0]!.filter, [l, r]);
  const To = T + l + r - K + 1;
  let y: Tensor | undefined;
  for (const { c0, nt, filter } of pieces) {
    // Output t reads padded columns c0 + t … c0 + t + nt − 1, i.e. z columns from c0 − l on.
    const start = c0 - l;
    const skip = Math.min(T, Math.max(0, start));
    const avail = Math.max(0, Math.min(T, start + To + nt - 1) - skip);
    if (avail === 0) continue; // the piece sees only padding
    const left = Math.max(0, -start);
    const right = To + nt - 1 - left - avail;
    const src = skip === 0 && avail === T ? z : slice(z, [0, 0, skip, 0], [B, 1, avail, J]);
    const part = conv(src, filter, [left, right]);
    y = y === undefined ? part : add(y, part);
  }
  return y ?? zeros([B, 1, To, J]);
}
