import { concat, matMul, pad, reshape, slice, stack, sum, tidy, tile, transpose, zeros, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Output columns per window of the row-GEMM depthwise gradients: each channel's row is cut into
 * windows of this many outputs (plus the taps' overlap), one GEMM row per window. Larger windows
 * waste more multiply-adds on the banded matrix (`(U + K − 1) / K`), smaller ones duplicate more
 * of the input; 25 measured best for EEG-TCNet's 25- and 9-tap pieces.
 */
export const ROW_GEMM_WINDOW = 25;

/**
 * Overlapping windows of a zero-padded row, channels first: `x` `[B, 1, W, C]` after `left`
 * zeros → `[C, B·Q, P·U]` (`P = ⌈(U + K − 1) / U⌉`), window `q` of image `b` holding columns
 * `q·U … (q + P)·U − 1` of the padded row (zeros past its end: the right padding). Built in NHWC
 * from P shifted views, joined with long contiguous runs, then one transpose to channels first
 * (wasm's `Concat`/`Slice` copy short innermost runs element by element, and its `SplitV` is slower still).
 */
function rowWindows(x: Tensor, left: number, K: number, U: number, Q: number): Tensor {
  const [B, , W, C] = x.shape as [number, number, number, number];
  const P = Math.ceil((U + K - 1) / U);
  const wt = (Q + P - 1) * U;
  const x3 = reshape(x, [B, W, C]);
  const tail = wt - W - left;
  // A negative tail: input columns no window reaches are cut off.
  const cut = tail < 0 ? slice(x3, [0, 0, 0], [B, W + tail, C]) : x3;
  const xp = left === 0 && tail <= 0 ? cut : pad(cut, [[0, 0], [left, Math.max(0, tail)], [0, 0]]);
  const views: Tensor[] = [];
  for (let i = 0; i < P; i++) views.push(reshape(i === 0 && P === 1 ? xp : slice(xp, [0, i * U, 0], [B, Q * U, C]), [B * Q, U * C]));
  const win = P === 1 ? views[0]! : concat(views, 1); // [B·Q, P·U·C]
  return C === 1 ? reshape(win, [1, B * Q, P * U]) : transpose(reshape(win, [B * Q, P * U, C]), [2, 0, 1]);
}

/** The `c`-th `[rows, cols]` matrix of a channels-first `[C, rows, cols]` tensor (a contiguous slice: `split` is very slow on wasm). */
function channel(t: Tensor, c: number): Tensor {
  const [C, rows, cols] = t.shape as [number, number, number];
  return reshape(C === 1 ? t : slice(t, [c, 0, 0], [1, rows, cols]), [rows, cols]);
}

/**
 * Band matrices of per-channel filters: `g` `[C, K]` → `[C, U, width]` (`width ≥ U + K − 1`) with
 * row `t` holding `g` at columns `t … t + K − 1` (zeros elsewhere). Built by tiling `g` padded
 * with zeros to period `width + 1`: the flat index `t·width + j` falls at `j − t` within the period.
 */
function bandRows(g: Tensor, U: number, width: number): Tensor {
  const [C, K] = g.shape as [number, number];
  const v = concat([g, zeros([C, width + 1 - K])], 1); // [C, width + 1]
  return reshape(slice(tile(v, [1, U]), [0, 0], [C, U * width]), [C, U, width]);
}

/**
 * A one-row, stride-1, dilation-1 depthwise convolution (multiplier 1) as one GEMM per channel:
 * `y[b, 0, t, c] = Σₖ xp[b, 0, t + k, c] · f[0, k, c, 0]` with `xp` the row zero-padded by
 * `[left, right]`. Each channel's windows `[B·Q, U + K − 1]` times its band matrix
 * `[U + K − 1, U]` give `U` outputs per window, at the wasm GEMM's rate instead of the depthwise
 * kernel's (XNNPACK's depthwise path runs long rows of few channels at ~1 GMAC/s).
 *
 * @param x `[B, 1, W, C]`
 * @param f `[1, K, C, 1]`
 * @param left zero columns before the row
 * @param right zero columns after the row
 * @returns `[B, 1, W + left + right − K + 1, C]`
 * @example
 * ```ts
 * const y = depthwiseRowConvGemm(zeros([64, 1, 1000, 16]), ones([1, 25, 16, 1]), 24, 24); // [64, 1, 1024, 16]
 * ```
 */
export function depthwiseRowConvGemm(x: Tensor, f: Tensor, left: number, right: number, U = ROW_GEMM_WINDOW): Tensor {
  return tidy(() => {
    const [B, , W, C] = x.shape as [number, number, number, number];
    const K = f.shape[1]!;
    const Wo = W + left + right - K + 1;
    const Q = Math.ceil(Wo / U);
    const PU = Math.ceil((U + K - 1) / U) * U;
    const win = rowWindows(x, left, K, U, Q); // [C, B·Q, P·U]
    const band = transpose(bandRows(transpose(reshape(f, [K, C])), U, PU), [0, 2, 1]); // [C, P·U, U]
    const ys = Array.from({ length: C }, (_, c) => matMul(channel(win, c), channel(band, c))); // [B·Q, U] each
    const y = C === 1 ? reshape(ys[0]!, [B, Q * U, 1]) : reshape(transpose(reshape(stack(ys), [C, B * Q * U])), [B, Q * U, C]);
    return reshape(Q * U === Wo ? y : slice(y, [0, 0, 0], [B, Wo, C]), [B, 1, Wo, C]);
  });
}

/**
 * The filter gradient of {@link depthwiseRowConvGemm}'s convolution (one row, stride 1,
 * dilation 1, multiplier 1): `dW[0, k, c, 0] = Σ_{b,t} dy[b, 0, t, c] · xp[b, 0, t + k, c]`, as one
 * GEMM per channel — `dyᵀ` chunks `[U, B·Q]` times the input's windows `[B·Q, U + K − 1]` — and
 * the `K` diagonals of each `[U, U + K − 1]` product summed.
 *
 * @param dy `[B, 1, Wo, C]`
 * @param x `[B, 1, W, C]` (unpadded)
 * @param K taps
 * @param left zero columns before the row (the right padding follows from `Wo`)
 * @returns `[1, K, C, 1]`
 * @example
 * ```ts
 * const dW = depthwiseRowFilterGradGemm(dy, x, 25, 24); // x [64, 1, 1000, 16], dy [64, 1, 1000, 16] → [1, 25, 16, 1]
 * ```
 */
export function depthwiseRowFilterGradGemm(dy: Tensor, x: Tensor, K: number, left: number, U = ROW_GEMM_WINDOW): Tensor {
  return tidy(() => {
    const [B, , Wo, C] = dy.shape as [number, number, number, number];
    const Q = Math.ceil(Wo / U);
    const PU = Math.ceil((U + K - 1) / U) * U;
    const win = rowWindows(x, left, K, U, Q); // [C, B·Q, P·U]
    const dyp = Q * U === Wo ? dy : pad(dy, [[0, 0], [0, 0], [0, Q * U - Wo], [0, 0]]);
    const dyT = transpose(reshape(dyp, [B * Q, U, C]), [2, 1, 0]); // [C, U, B·Q]
    const gs = Array.from({ length: C }, (_, c) => matMul(channel(dyT, c), channel(win, c))); // [U, P·U] each
    // Diagonal k of [U, P·U]: flat index u·P·U + u + k = u·(P·U + 1) + k.
    const g = reshape(C === 1 ? gs[0]! : stack(gs), [C, U * PU]);
    const diag = slice(reshape(pad(g, [[0, 0], [0, U]]), [C, U, PU + 1]), [0, 0, 0], [C, U, K]);
    return reshape(transpose(sum(diag, 1)), [1, K, C, 1]);
  });
}
