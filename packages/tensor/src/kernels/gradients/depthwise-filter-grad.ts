import { add, concat, pad, reshape, slice, sum, transpose, type Tensor } from '@tensorflow/tfjs-core';
import { FAST_DEPTHWISE_TAPS, rawConv, type NnkitConvAttrs } from '../conv-nhwc.js';

/**
 * The `'chunked-depthwise-filter'` filter gradient (depthwise, dy has one row (Ho = 1), W stride 1): the batch-as-channels
 * convolution would use dy's whole row (e.g. 1000 samples) as a slow many-tap kernel, so dy's
 * row is cut into Q chunks of 25 samples, each chunk becoming extra channels: input windows
 * [1, H', 25 + (kW-1)·dW, Q·B·C] (overlapping windows of the padded x, built from shifted block
 * views), kernel [1, 25, Q·B·C, M]; the Q·B partial results are summed.
 */
export function chunkedDepthwiseFilterGrad(dy: Tensor, xx: Tensor, p: number[], kH: number, kW: number, C: number, M: number, a: NnkitConvAttrs): Tensor {
  const U = FAST_DEPTHWISE_TAPS;
  const [B, , Wo] = dy.shape as [number, number, number, number];
  const Q = Math.ceil(Wo / U);
  const Lw = U + (kW - 1) * a.dilations[1];
  const P = Math.ceil(Lw / U);
  const [, h2, w2] = xx.shape as [number, number, number, number];
  const hp = h2 + p[0]! + p[1]!;
  // Zero-pad x (H as required, W out to (Q + P - 1)·U) so every shifted block view exists.
  const wt = (Q + P - 1) * U;
  const pads = [p[0]!, p[1]!, p[2]!, wt - w2 - p[2]!];
  const xp = pads.every((v) => v === 0) ? xx : pad(xx, [[0, 0], [pads[0]!, pads[1]!], [pads[2]!, pads[3]!], [0, 0]]);
  // Window q = blocks q, q+1, ... of U columns, as 2-D [B·hp·Q, take·C] views joined along
  // axis 1 (long runs: wasm's rank-4 concat along an inner axis is ~5× slower).
  const pieces: Tensor[] = [];
  for (let i = 0; i < P; i++) {
    const full = i === 0 && wt === Q * U;
    const v = reshape(full ? xp : slice(xp, [0, 0, i * U, 0], [B, hp, Q * U, C]), [B * hp * Q, U * C]);
    const take = Math.min(U, Lw - i * U);
    pieces.push(take === U ? v : slice(v, [0, 0], [B * hp * Q, take * C]));
  }
  let win = P === 1 ? pieces[0]! : concat(pieces, 1); // [B*hp*Q, Lw*C]
  const dyp = Q * U === Wo ? dy : pad(dy, [[0, 0], [0, 0], [0, Q * U - Wo], [0, 0]]);
  if (hp === 1 && M === 1) return groupedDepthwiseFilterGrad(win, dyp, B * Q, Lw, kW, C, a);
  // Channels ordered (b, q, c). Only rank <= 4 transposes: wasm's rank-5 transpose is ~100× slower.
  if (hp > 1) win = transpose(reshape(win, [B, hp, Q * Lw * C]), [1, 0, 2]); // [hp, B, Q*Lw*C]
  const xs = reshape(transpose(reshape(win, [hp, B * Q, Lw, C]), [0, 2, 1, 3]), [1, hp, Lw, B * Q * C]);
  // Kernels [U, (b, q, c)] per multiplier m: one convolution each, as XNNPACK's fast depthwise
  // path needs multiplier 1.
  const fs = M === 1 ? transpose(reshape(dyp, [B * Q, U, C]), [1, 0, 2]) : transpose(reshape(dyp, [B * Q, U, C, M]), [3, 1, 0, 2]);
  const gs: Tensor[] = [];
  for (let m = 0; m < M; m++) {
    const fm = reshape(M === 1 ? fs : slice(fs, [m, 0, 0, 0], [1, U, B * Q, C]), [1, U, B * Q * C, 1]);
    const g = rawConv(xs, fm, a.dilations, [a.strides[0], 1], [0, 0, 0, 0], true); // [1, kH, kW, B*Q*C]
    gs.push(reshape(sum(reshape(g, [kH * kW, B * Q, C]), 1), [kH, kW, C, 1]));
  }
  return M === 1 ? gs[0]! : concat(gs, 3);
}

/**
 * Channels per depthwise convolution in {@link groupedDepthwiseFilterGrad}: XNNPACK's depthwise
 * kernel sweeps all channels once per output column, so with tens of thousands of channels the
 * window (U taps × channels) falls out of cache at every column; groups of about this many
 * channels keep it in L2 (measured on EEG-TCNet's 25-tap piece, 40,960 channels: 1.3–1.5× faster).
 */
export const DEPTHWISE_FILTER_GRAD_GROUP_CHANNELS = 2560;

/**
 * The one-row, multiplier-1 case of the chunked filter gradient, as several depthwise
 * convolutions over groups of the `N = B·Q` chunks (each ≈ {@link DEPTHWISE_FILTER_GRAD_GROUP_CHANNELS}
 * channels), their partial sums added.
 *
 * @param win the input windows `[N, Lw·C]`, chunk-major
 * @param dyp `dy` padded to `Q·U` columns, `[B, 1, Q·U, C]`
 */
function groupedDepthwiseFilterGrad(win: Tensor, dyp: Tensor, N: number, Lw: number, kW: number, C: number, a: NnkitConvAttrs): Tensor {
  const U = FAST_DEPTHWISE_TAPS;
  let G = Math.max(1, Math.round((N * C) / DEPTHWISE_FILTER_GRAD_GROUP_CHANNELS));
  while (N % G !== 0) G--;
  const n = N / G;
  const xs = transpose(reshape(win, [G, n, Lw, C]), [0, 2, 1, 3]); // [G, Lw, n, C]
  const fs = transpose(reshape(dyp, [G, n, U, C]), [0, 2, 1, 3]); // [G, U, n, C]
  let acc: Tensor | null = null;
  for (let g = 0; g < G; g++) {
    const xg = reshape(G === 1 ? xs : slice(xs, [g, 0, 0, 0], [1, Lw, n, C]), [1, 1, Lw, n * C]);
    const fg = reshape(G === 1 ? fs : slice(fs, [g, 0, 0, 0], [1, U, n, C]), [1, U, n * C, 1]);
    const o = rawConv(xg, fg, a.dilations, [1, 1], [0, 0, 0, 0], true); // [1, 1, kW, n·C]
    acc = acc === null ? o : add(acc, o);
  }
  return reshape(sum(reshape(acc!, [kW, n, C]), 1), [1, kW, C, 1]);
}
