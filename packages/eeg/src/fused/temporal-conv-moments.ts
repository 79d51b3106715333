import { add, concat, cumsum, matMul, mean, mul, ones, pad, reshape, slice, square, sub, sum, tensor2d, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
import { conv2dNhwc } from '@nnkit/tensor';
import { checkShape, checkShapes, temporalPads, type TemporalSpatialConvOptions } from './temporal-spatial.js';

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
  return diagonalWindowSums(h, S, K);
}

/**
 * out[i, j] = Σ_{s<S} h[i+s, j+s] for i, j < K (h is `[n, n]`, n ≥ S + K − 1), with one small
 * matMul: read row-major with a row stride of n + 1, h's diagonals become columns (h[i+s, j+s] sits
 * at flat position i·n + j + s·(n+1)), so the S-long diagonal runs are S-row windows of that
 * `[rows, n+1]` view, summed by a banded 0/1 matrix. (A 'valid' convolution of h with the S×S
 * identity computes the same and took 6.8 ms — a matrix-vector im2col — in every training step,
 * whatever the batch size; this takes a few µs.)
 */
function diagonalWindowSums(h: Tensor, S: number, K: number): Tensor {
  const n = h.shape[0]!;
  const rows = Math.max(K - 1 + S, Math.ceil((n * n) / (n + 1)));
  const view = reshape(pad(reshape(h, [n * n]), [[0, rows * (n + 1) - n * n]]), [rows, n + 1]);
  const band = new Float32Array(K * rows); // band[r, q] = 1 for r <= q < r + S
  for (let r = 0; r < K; r++) band.fill(1, r * rows + r, r * rows + r + S);
  const windows = reshape(matMul(tensor2d(band, [K, rows]), view), [K * (n + 1)]); // [K, n+1] → flat
  // out[i, j] is the window sum at flat position i·n + j (row ⌊·/(n+1)⌋ ≤ K−1, column the rest).
  return slice(reshape(slice(windows, [0], [K * n]), [K, n]), [0, 0], [K, K]);
}

/**
 * Batch mean and biased variance per filter of `conv2d(x, wTemporal, {padding})` over
 * (batch, electrodes, time) — what a training-mode `BatchNorm2d` after EEGNet's temporal
 * convolution needs — computed from the first and second moments of the input's `K`-sample
 * patches (`K` window sums and a `K×K` Gram matrix, both independent of the weights) instead of
 * from the `[B, F1, C, T]` activation. Computed on the input minus its mean (an offset such as raw
 * microvolts does not cost precision). Differentiable in `wTemporal`.
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
  checkShape(To >= 1, fn, `[B, 1, C, T] with T + padding >= kernel ${K}`, x.shape);
  const count = R * To;
  const out = tidy(() => {
    // Moments of the convolution of the centred input x' = x − μ (zero-padded), then the
    // closed-form correction for μ: y = y' + μ·p with p(t) = Σ_k w[k]·[t+k is a real sample]
    // (the filter's sum except within the padded edges). Without centring, the variance would
    // be E[y²] − E[y]², which loses digits when the input has an offset (raw microvolts).
    const mu = mean(x);
    const S = Math.max(K - 1, 32);
    // Padded rows, with S extra zeros so every block can read its successor's first K-1 samples.
    const xq = pad(reshape(sub(x, mu), [R, T]), [
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
    const meanC = reshape(matMul(w, reshape(m, [K, 1])), [F1]);
    const second = mul(sum(mul(matMul(w, g!), w), 1), 1 / count); // wᵀGw / count
    const varC = sub(second, mul(meanC, meanC));
    // The offset's profile p [To, F1] and the column sums filtered like y' ([To, F1]), as
    // single-row convolutions (NHWC [1, 1, L, 1] with filter [1, K, 1, F1]).
    const filt = reshape(transpose(w), [1, K, 1, F1]);
    const conv1 = (row: Tensor, pads: [number, number]): Tensor =>
      reshape(conv2dNhwc(reshape(row, [1, 1, -1, 1]), filt, { strides: [1, 1], dilations: [1, 1], pad: [0, 0, pads[0], pads[1]], depthwise: false }), [To, F1]);
    const p = conv1(ones([T]), [l, r]);
    const pc = sub(p, mean(p, 0));
    const colY = conv1(col, [0, 0]); // Σ_r y'(r, t)
    const meanOut = add(meanC, mul(mu, mean(p, 0)));
    // var(y) = var(y') + μ²·var_t(p) + 2μ·cov(y', p), cov from the centred profile.
    const cov = mul(sum(mul(colY, pc), 0), 1 / count);
    const variance = add(varC, add(mul(square(mu), mean(square(pc), 0)), mul(mul(mu, 2), cov)));
    return { mean: meanOut, variance };
  });
  return { ...out, count };
}
