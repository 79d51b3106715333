import { add, concat, matMul, pad, reshape, slice, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
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

/**
 * The taps' windows over the padded input, channels first: `xc` is the padded input as
 * `[C, B, Hp, Wp]`; `tap(i, j)` is `[C, B·Ho·Wo]`. Channels-first keeps every copy a run of
 * whole rows (wasm's `Concat`, `Slice` and `StridedSlice` copy short innermost runs element by
 * element). With a stride, `xc` is split once into its stride phases (one transpose) and each
 * tap is a plain slice of one phase.
 */
function taps(xc: Tensor, Ho: number, Wo: number, a: NnkitConvAttrs): (i: number, j: number) => Tensor {
  const [C, B, hp, wp] = xc.shape as [number, number, number, number];
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const M = B * Ho * Wo;
  if (sh === 1 && sw === 1) return (i, j) => reshape(slice(xc, [0, 0, i * dh, j * dw], [C, B, Ho, Wo]), [C, M]);
  // Pad to multiples of the stride; [C·B·Hq, sh, Wq, sw] → [sh, sw, C·B·Hq, Wq]: phase (ph, pw) is one block.
  const hq = Math.ceil(hp / sh);
  const wq = Math.ceil(wp / sw);
  const full = hq * sh === hp && wq * sw === wp ? xc : pad(xc, [[0, 0], [0, 0], [0, hq * sh - hp], [0, wq * sw - wp]]);
  const ph4 = transpose(reshape(full, [C * B * hq, sh, wq, sw]), [1, 3, 0, 2]);
  return (i, j) => {
    const h0 = i * dh;
    const w0 = j * dw;
    const phase = reshape(slice(ph4, [h0 % sh, w0 % sw, 0, 0], [1, 1, C * B * hq, wq]), [C, B, hq, wq]);
    return reshape(slice(phase, [0, 0, Math.floor(h0 / sh), Math.floor(w0 / sw)], [C, B, Ho, Wo]), [C, M]);
  };
}

/**
 * The `'im2col'` filter gradient of a plain NHWC convolution: `dW = colsᵀ · dy` with `colsᵀ`
 * the `[kH·kW·Cin, B·Ho·Wo]` matrix of input windows (rows in HWIO order), built channels-first,
 * one GEMM per chunk of the batch (at most `maxValues` values of `cols` at once). The GEMM's
 * operands are laid out for wasm's fast untransposed `matMul`, and its result is the HWIO filter.
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
  // Scoped: the tape keeps every tensor a gradient function leaves behind until the whole
  // backward pass ends, so the windows of each chunk are freed here (Inception b8: gigabytes).
  return tidy(() => {
    const [B, , , C] = x.shape as [number, number, number, number];
    const [, Ho, Wo, Co] = dy.shape as [number, number, number, number];
    const xp = paddedInput(x, kH, kW, Ho, Wo, a);
    const [, hp, wp] = xp.shape as [number, number, number, number];
    const xc = C === 1 ? reshape(xp, [1, B, hp, wp]) : transpose(xp, [3, 0, 1, 2]); // [C, B, Hp, Wp]
    const perImage = Ho * Wo * kH * kW * C;
    const chunk = Math.max(1, Math.floor(maxValues / perImage));
    let acc: Tensor | null = null;
    for (let b0 = 0; b0 < B; b0 += chunk) {
      const nb = Math.min(chunk, B - b0);
      const prev: Tensor | null = acc;
      acc = tidy((): Tensor => {
        const xb = nb === B ? xc : slice(xc, [0, b0, 0, 0], [C, nb, hp, wp]);
        const dyb = nb === B ? dy : slice(dy, [b0, 0, 0, 0], [nb, Ho, Wo, Co]);
        const tap = taps(xb, Ho, Wo, a);
        const pieces: Tensor[] = [];
        for (let i = 0; i < kH; i++) for (let j = 0; j < kW; j++) pieces.push(tap(i, j));
        const colsT = pieces.length === 1 ? pieces[0]! : concat(pieces, 0); // [K, M]
        const g = matMul(colsT, reshape(dyb, [nb * Ho * Wo, Co])); // [K, Cout]
        return prev === null ? g : add(prev, g);
      });
      prev?.dispose();
    }
    return reshape(acc!, [kH, kW, C, Co]);
  });
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
  return tidy(() => col2im(dy, xShape, f, a));
}

function col2im(dy: Tensor, xShape: readonly number[], f: Tensor, a: NnkitConvAttrs): Tensor {
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
