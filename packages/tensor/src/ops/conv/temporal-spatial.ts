import {
  add,
  concat,
  cumsum,
  matMul,
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
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new RangeError(msg);
}

function checkShapes(fn: string, x: Tensor, wT: Tensor, wS?: Tensor): void {
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

function temporalPads(fn: string, wT: Tensor, padding: NonNullable<TemporalSpatialConvOptions['padding']>): [number, number] {
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
    // Spatial mixing: x as NHWC [B, C, T, 1] (free), filter [C, 1, 1, J] → z [B, 1, T, J].
    const z = runConv(reshape(x, [B, C, T, 1]), reshape(transpose(ws), [C, 1, 1, J]), {
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
    if (opts.shift != null) {
      // shift[f] passes through the spatial filter as shift[f]·Σ_c wSpatial[j, c].
      const sf = D === 1 ? opts.shift : reshape(mul(reshape(opts.shift, [F1, 1]), ones([1, D])), [J]);
      y = add(y, reshape(mul(sf, sum(ws, 1)), [1, 1, 1, J]));
    }
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

/**
 * Σ_{s<S} H[s:s+K, s:s+K] with H = Σ over windows of their outer product, for `nblk` blocks of
 * `S` output positions starting at `start`: the Gram matrix of the im2col patches of those positions.
 */
function patchGram(xq: Tensor, R: number, start: number, nblk: number, S: number, K: number): Tensor {
  let h: Tensor;
  if (nblk === 1 || K === 1) {
    const w2 = reshape(slice(xq, [0, start], [R, nblk === 1 ? S + K - 1 : nblk * S]), [R * nblk, nblk === 1 ? S + K - 1 : S]);
    h = matMul(transpose(w2), w2);
  } else {
    // Block b's window is its own S samples then the first K-1 of block b+1 (K-1 <= S): with
    // A the blocks and N their successors ([R·nblk, S] views of the padded rows, no copies of
    // windows), H = [[AᵀA, AᵀN], [NᵀA, NᵀN]] and only its top-left (S+K-1)² part is used.
    const a = reshape(slice(xq, [0, start], [R, nblk * S]), [R * nblk, S]);
    const n = reshape(slice(xq, [0, start + S], [R, nblk * S]), [R * nblk, S]);
    const at = transpose(a);
    const an = matMul(at, n);
    const top = concat([matMul(at, a), an], 1);
    const bottom = concat([transpose(an), matMul(transpose(n), n)], 1);
    h = concat([top, bottom], 0); // [2S, 2S]
  }
  let g: Tensor | undefined;
  for (let s = 0; s < S; s++) {
    const part = slice(h, [s, s], [K, K]);
    g = g === undefined ? part : add(g, part);
  }
  return g!;
}

/**
 * Batch mean and biased variance per filter of `conv2d(x, wTemporal, {padding})` over
 * (batch, electrodes, time) — what a training-mode `BatchNorm2d` after EEGNet's temporal
 * convolution needs — computed from the first and second moments of the input's `K`-sample
 * patches (`K` window sums and a `K×K` Gram matrix, both independent of the weights) instead of
 * from the `[B, F1, C, T]` activation. Differentiable in `wTemporal`.
 *
 * @param x `[B, 1, C, T]`
 * @param wTemporal `[F1, 1, 1, K]`
 * @returns `{ mean, variance, count }`: `[F1]` each, and the number of values per filter.
 * @example
 * ```ts
 * const { mean, variance } = temporalConvMoments(x, convT.weight.data);
 * const scale = mul(gamma, rsqrt(add(variance, eps)));
 * const y = temporalSpatialConv(x, convT.weight.data, convS.weight.data, { scale, shift: sub(beta, mul(mean, scale)) });
 * ```
 */
export function temporalConvMoments(x: Tensor, wTemporal: Tensor, opts: TemporalSpatialConvOptions = {}): { mean: Tensor; variance: Tensor; count: number } {
  const fn = 'temporalConvMoments';
  checkShapes(fn, x, wTemporal);
  const [B, , C, T] = x.shape as [number, number, number, number];
  const [F1, , , K] = wTemporal.shape as [number, number, number, number];
  const [l, r] = temporalPads(fn, wTemporal, opts.padding ?? 'same');
  const R = B * C;
  const To = T + l + r - K + 1;
  check(To >= 1, `${fn}: kernel ${K} is larger than the padded input length ${T + l + r}`);
  const count = R * To;
  const out = tidy(() => {
    const S = Math.max(K - 1, 32);
    // Padded rows, with S extra zeros so every block can read its successor's first K-1 samples.
    const xq = pad(reshape(x, [R, T]), [
      [0, 0],
      [l, r + S],
    ]);
    // Patch means: m[k] = Σ_r Σ_{t<To} xp[r, t+k] / count, from a column sum and window sums.
    const col = matMul(ones([1, R]), slice(xq, [0, 0], [R, T + l + r])); // [1, Tp]
    const cs = cumsum(pad(reshape(col, [T + l + r]), [[1, 0]]));
    const m = mul(sub(slice(cs, [To], [K]), slice(cs, [0], [K])), 1 / count); // [K]
    // Patch Gram matrix over the To output positions (full blocks, then the remainder).
    const nfull = Math.floor(To / S);
    const rem = To - nfull * S;
    let g = nfull > 0 ? patchGram(xq, R, 0, nfull, S, K) : undefined;
    if (rem > 0) {
      const gr = patchGram(xq, R, nfull * S, 1, rem, K);
      g = g === undefined ? gr : add(g, gr);
    }
    const w = reshape(wTemporal, [F1, K]);
    const mean = reshape(matMul(w, reshape(m, [K, 1])), [F1]);
    const second = mul(sum(mul(matMul(w, g!), w), 1), 1 / count); // wᵀGw / count
    const variance = sub(second, mul(mean, mean));
    return { mean, variance };
  });
  return { ...out, count };
}
