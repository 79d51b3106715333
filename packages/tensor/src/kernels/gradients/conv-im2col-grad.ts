import { add, concat, matMul, pad, reshape, slice, stridedSlice, transpose, type Tensor } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';

/**
 * Largest im2col matrix (in float32 values) the im2col gradients build at once: above it the
 * filter gradient works through the batch in chunks, and the input gradient is not chosen.
 * 2^23 values = 32 MiB.
 */
export const IM2COL_MAX_VALUES = 2 ** 23;

/** The NHWC input zero-padded as the convolution sees it, cut or padded to exactly the extent the output's windows read. */
function paddedInput(x: Tensor, kH: number, kW: number, Ho: number, Wo: number, a: NnkitConvAttrs): Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const needH = (kH - 1) * a.dilations[0] + (Ho - 1) * a.strides[0] + 1;
  const needW = (kW - 1) * a.dilations[1] + (Wo - 1) * a.strides[1] + 1;
  const pb = needH - H - a.pad[0];
  const pr = needW - W - a.pad[2];
  let xx = x;
  if (pb < 0 || pr < 0) xx = slice(x, [0, 0, 0, 0], [B, H + Math.min(0, pb), W + Math.min(0, pr), C]);
  const p = [a.pad[0], Math.max(0, pb), a.pad[2], Math.max(0, pr)];
  return p.every((v) => v === 0) ? xx : pad(xx, [[0, 0], [p[0]!, p[1]!], [p[2]!, p[3]!], [0, 0]]);
}

/** The window of tap (i, j) over the padded input: `[B, Ho, Wo, C]`. */
function tap(xp: Tensor, i: number, j: number, Ho: number, Wo: number, a: NnkitConvAttrs): Tensor {
  const [B, , , C] = xp.shape as [number, number, number, number];
  const [sh, sw] = a.strides;
  const h0 = i * a.dilations[0];
  const w0 = j * a.dilations[1];
  if (sh === 1 && sw === 1) return slice(xp, [0, h0, w0, 0], [B, Ho, Wo, C]);
  return stridedSlice(xp, [0, h0, w0, 0], [B, h0 + (Ho - 1) * sh + 1, w0 + (Wo - 1) * sw + 1, C], [1, sh, sw, 1]);
}

/**
 * The `'im2col'` filter gradient of a plain NHWC convolution: `dW = colsᵀ · dy` with `cols`
 * the `[B·Ho·Wo, kH·kW·Cin]` matrix of input windows (taps in HWIO order), one GEMM per chunk
 * of the batch (at most {@link IM2COL_MAX_VALUES} values of `cols` at once). Every operand of
 * the GEMM is laid out for wasm's fast untransposed `matMul`.
 *
 * @param dy `[B, Ho, Wo, Cout]`; x `[B, H, W, Cin]`
 * @param maxValues the most values of `cols` built at once (tests use a small one to exercise the chunking)
 * @returns `[kH, kW, Cin, Cout]`
 * @example
 * ```ts
 * const dW = im2colFilterGrad(dy, x, 3, 3, { strides: [2, 2], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: false });
 * ```
 */
export function im2colFilterGrad(dy: Tensor, x: Tensor, kH: number, kW: number, a: NnkitConvAttrs, maxValues = IM2COL_MAX_VALUES): Tensor {
  const [B, , , C] = x.shape as [number, number, number, number];
  const [, Ho, Wo, Co] = dy.shape as [number, number, number, number];
  const xp = paddedInput(x, kH, kW, Ho, Wo, a);
  const [, hp, wp] = xp.shape as [number, number, number, number];
  const perImage = Ho * Wo * kH * kW * C;
  const chunk = Math.max(1, Math.floor(maxValues / perImage));
  let acc: Tensor | null = null;
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const nb = Math.min(chunk, B - b0);
    const xb = nb === B ? xp : slice(xp, [b0, 0, 0, 0], [nb, hp, wp, C]);
    const dyb = nb === B ? dy : slice(dy, [b0, 0, 0, 0], [nb, Ho, Wo, Co]);
    const pieces: Tensor[] = [];
    for (let i = 0; i < kH; i++) for (let j = 0; j < kW; j++) pieces.push(tap(xb, i, j, Ho, Wo, a));
    const cols = reshape(pieces.length === 1 ? pieces[0]! : concat(pieces, 3), [nb * Ho * Wo, kH * kW * C]);
    const g = matMul(transpose(reshape(dyb, [nb * Ho * Wo, Co])), cols); // [Cout, K]
    acc = acc === null ? g : add(acc, g);
  }
  return reshape(transpose(acc!), [kH, kW, C, Co]);
}

/** Rows i·s of an axis of length n·s − (s − 1) filled from `t`'s n rows, zeros between (axes 1 and 2 of NHWC). */
function spread(t: Tensor, sh: number, sw: number): Tensor {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape as [number, number, number, number];
  const p = pad(reshape(t, [b * h, 1, w, c]), [[0, 0], [0, sh - 1], [0, 0], [0, 0]]); // rows
  const r = reshape(p, [b, h * sh, w, c]);
  const q = pad(reshape(r, [b * h * sh * w, 1, c]), [[0, 0], [0, sw - 1], [0, 0]]); // columns
  return slice(reshape(q, [b, h * sh, w * sw, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * The `'col2im'` input gradient of a plain NHWC convolution: `dcols = dy · Wᵀ` (one GEMM,
 * `[B·Ho·Wo, kH·kW·Cin]`), then each tap's columns added back where the tap read them (col2im).
 * No zero-inserted `dy` (a strided convolution's transposed convolution does stride²× the
 * work) and no convolution with few output channels (`Cin`), which XNNPACK runs slowly.
 *
 * @param dy `[B, Ho, Wo, Cout]`; xShape `[B, H, W, Cin]`; f `[kH, kW, Cin, Cout]`
 * @returns `[B, H, W, Cin]`
 * @example
 * ```ts
 * const dx = col2imInputGrad(dy, [1, 299, 299, 3], f, { strides: [2, 2], dilations: [1, 1], pad: [0, 0, 0, 0], depthwise: false });
 * ```
 */
export function col2imInputGrad(dy: Tensor, xShape: readonly number[], f: Tensor, a: NnkitConvAttrs): Tensor {
  const [B, H, W, C] = xShape as [number, number, number, number];
  const [kH, kW, , Co] = f.shape as [number, number, number, number];
  const [, Ho, Wo] = dy.shape as [number, number, number, number];
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const K = kH * kW * C;
  const dcols = matMul(reshape(dy, [B * Ho * Wo, Co]), transpose(reshape(f, [K, Co]))); // [M, K]
  // The padded input's extent the windows cover; the gradient of the rest is zero.
  const hp = H + a.pad[0] + a.pad[1];
  const wp = W + a.pad[2] + a.pad[3];
  const lh = (Ho - 1) * sh + 1;
  const lw = (Wo - 1) * sw + 1;
  let dxp: Tensor | null = null;
  for (let i = 0; i < kH; i++) {
    for (let j = 0; j < kW; j++) {
      const col = kH * kW === 1 ? dcols : slice(dcols, [0, (i * kW + j) * C], [B * Ho * Wo, C]);
      const t = spread(reshape(col, [B, Ho, Wo, C]), sh, sw); // [B, lh, lw, C]
      const top = i * dh;
      const left = j * dw;
      const placed = pad(t, [[0, 0], [top, Math.max(0, hp - top - lh)], [left, Math.max(0, wp - left - lw)], [0, 0]]);
      dxp = dxp === null ? placed : add(dxp, placed);
    }
  }
  // Drop the padding (and any window overhang the forward's floor left unread).
  return slice(dxp!, [0, a.pad[0], a.pad[2], 0], [B, H, W, C]);
}
