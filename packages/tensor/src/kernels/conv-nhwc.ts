import {
  concat,
  engine,
  getBackend,
  getKernel,
  mul,
  pad,
  registerGradient,
  registerKernel,
  reshape,
  reverse,
  slice,
  sum,
  transpose,
  zeros,
  type GradConfig,
  type KernelBackend,
  type KernelConfig,
  type NamedAttrMap,
  type Tensor,
  type Tensor4D,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Name of nnkit's NHWC convolution kernel: a plain (`Conv2D`) or depthwise
 * (`DepthwiseConv2dNative`) convolution with explicit padding, any stride together with any
 * dilation, and a gradient that works on wasm and cpu (tfjs' own refuses dilation > 1 and
 * wasm lacks the filter-gradient kernels).
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

/** Runs tfjs' own Conv2D / DepthwiseConv2dNative kernel (no op-level asserts: stride and dilation may both be > 1). */
export function rawConv(x: Tensor, f: Tensor, strides: number[], dilations: number[], p: readonly number[], depthwise: boolean): Tensor4D {
  if (depthwise && getBackend() === 'cpu' && strides.some((s, i) => s > 1 && dilations[i]! > 1)) {
    // tfjs-backend-cpu's depthwise kernel refuses stride > 1 with dilation > 1: run at
    // stride 1 and subsample.
    const full = rawConv(x, f, [1, 1], dilations, p, true);
    return subsample(full, strides[0]!, strides[1]!);
  }
  return engine().runKernel(depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', { x, filter: f }, kernelAttrs(strides, dilations, p));
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

/** Inserts (s-1) zeros between spatial elements of y: [B, H, W, C] -> [B, (H-1)sh+1, (W-1)sw+1, C]. */
function zeroInsert(y: Tensor, sh: number, sw: number): Tensor {
  if (sh === 1 && sw === 1) return y;
  const [b, h, w, c] = y.shape as [number, number, number, number];
  const y6 = reshape(y, [b, h, 1, w, 1, c]);
  const p = pad(y6, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return slice(reshape(p, [b, h * sh, w * sw, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** Gradient w.r.t. the input: a stride-1 convolution of the zero-inserted dy with the flipped filter. */
export function convInputGrad(dy: Tensor, x: Tensor, f: Tensor, a: NnkitConvAttrs): Tensor {
  if (isSingleRowDepthwise(x, f, dy, a)) return singleRowDepthwiseInputGrad(dy, x, f, a);
  const [, H, W] = x.shape as [number, number, number, number];
  const [kH, kW] = f.shape as [number, number, number, number];
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  let d = zeroInsert(dy, sh, sw);
  let [, lh, lw] = d.shape as [number, number, number, number];
  let pt = (kH - 1) * dh - a.pad[0];
  let pb = H - lh + a.pad[0];
  let pl = (kW - 1) * dw - a.pad[2];
  let pr = W - lw + a.pad[2];
  // Negative padding: drop the rows/cols of dy that only reach the padded border.
  const bh = Math.max(0, -pt);
  const eh = Math.max(0, -pb);
  const bw = Math.max(0, -pl);
  const ew = Math.max(0, -pr);
  if (bh || eh || bw || ew) {
    d = slice(d, [0, bh, bw, 0], [d.shape[0]!, lh - bh - eh, lw - bw - ew, d.shape[3]!]);
    pt += bh;
    pb += eh;
    pl += bw;
    pr += ew;
    [, lh, lw] = d.shape as [number, number, number, number];
  }
  const p = [Math.max(0, pt), Math.max(0, pb), Math.max(0, pl), Math.max(0, pr)];
  const flipped = reverse(f, [0, 1]);
  if (a.depthwise) {
    const [, , C, M] = f.shape as [number, number, number, number];
    const fd = reshape(flipped, [kH, kW, C * M, 1]);
    const g = rawConv(d, fd, [1, 1], [dh, dw], p, true);
    if (M === 1) return g;
    const [b] = g.shape;
    return sum(reshape(g, [b, H, W, C, M]), 4);
  }
  return rawConv(d, transpose(flipped, [0, 1, 3, 2]), [1, 1], [dh, dw], p, false);
}

/**
 * Gradient w.r.t. the filter: a convolution whose "batch" is the input channels and whose
 * "filter" is dy (stride and dilation swap roles), sliced to the kernel size.
 */
export function convFilterGrad(dy: Tensor, x: Tensor, f: Tensor, a: NnkitConvAttrs): Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const [kH, kW] = f.shape as [number, number, number, number];
  const [, Ho, Wo, Co] = dy.shape as [number, number, number, number];
  // Use only as much bottom/right padding as the last window needs.
  const needH = (kH - 1) * a.dilations[0] + (Ho - 1) * a.strides[0] + 1;
  const needW = (kW - 1) * a.dilations[1] + (Wo - 1) * a.strides[1] + 1;
  let xx = x;
  let pb = needH - H - a.pad[0];
  let pr = needW - W - a.pad[2];
  if (pb < 0 || pr < 0) {
    xx = slice(x, [0, 0, 0, 0], [B, H + Math.min(0, pb), W + Math.min(0, pr), C]);
    pb = Math.max(0, pb);
    pr = Math.max(0, pr);
  }
  const p = [a.pad[0], pb, a.pad[2], pr];
  if (a.depthwise) {
    const M = Co / C;
    if (Ho === 1 && a.strides[1] === 1 && Wo > DW_FAST_TAPS) return chunkedDepthwiseFilterGrad(dy, xx, p, kH, kW, C, M, a);
    const [, h2, w2] = xx.shape as [number, number, number, number];
    const xs = reshape(transpose(xx, [1, 2, 0, 3]), [1, h2, w2, B * C]);
    const fs = reshape(transpose(reshape(dy, [B, Ho * Wo, C * M]), [1, 0, 2]), [Ho, Wo, B * C, M]);
    const g = rawConv(xs, fs, a.dilations, a.strides, p, true); // [1, kH, kW, B*C*M]
    return reshape(sum(reshape(g, [kH * kW, B, C * M]), 1), [kH, kW, C, M]);
  }
  const xs = transpose(xx, [3, 1, 2, 0]); // [C, H, W, B]
  const fs = transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, B, Co]
  const g = rawConv(xs, fs, a.dilations, a.strides, p, false); // [C, kH, kW, Co]
  return transpose(g, [1, 2, 0, 3]);
}

/**
 * tfjs-backend-wasm's depthwise convolution (XNNPACK) has single-pass kernels for 4, 9 and 25
 * taps; other tap counts run 3-4× slower per multiply-add (measured: 25 taps 1.8 GMAC/s, 26 or
 * 32 taps 0.45). Long filters are therefore cut into 25-tap pieces.
 */
const DW_FAST_TAPS = 25;

/**
 * Depthwise filter gradient when dy has one row (Ho = 1) and W stride 1: the batch-as-channels
 * convolution would use dy's whole row (e.g. 1000 samples) as a slow many-tap kernel, so dy's
 * row is cut into Q chunks of 25 samples, each chunk becoming extra channels: input windows
 * [1, H', 25 + (kW-1)·dW, Q·B·C] (overlapping windows of the padded x, built from shifted block
 * views), kernel [1, 25, Q·B·C, M]; the Q·B partial results are summed.
 */
function chunkedDepthwiseFilterGrad(dy: Tensor, xx: Tensor, p: number[], kH: number, kW: number, C: number, M: number, a: NnkitConvAttrs): Tensor {
  const U = DW_FAST_TAPS;
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
  // Window q = blocks q, q+1, ... of U columns (rank-4 views: wasm slices rank > 4 very slowly).
  const pieces: Tensor[] = [];
  for (let i = 0; i < P; i++) {
    const full = i === 0 && wt === Q * U;
    const v = reshape(full ? xp : slice(xp, [0, 0, i * U, 0], [B, hp, Q * U, C]), [B * hp, Q, U, C]);
    const take = Math.min(U, Lw - i * U);
    pieces.push(take === U ? v : slice(v, [0, 0, 0, 0], [B * hp, Q, take, C]));
  }
  // Channels ordered (b, q, c). Only rank <= 4 transposes: wasm's rank-5 transpose is ~100× slower.
  let win = P === 1 ? pieces[0]! : concat(pieces, 2); // [B*hp, Q, Lw, C]
  if (hp > 1) win = transpose(reshape(win, [B, hp, Q * Lw * C]), [1, 0, 2]); // [hp, B, Q*Lw*C]
  const xs = reshape(transpose(reshape(win, [hp, B * Q, Lw, C]), [0, 2, 1, 3]), [1, hp, Lw, B * Q * C]);
  const dyp = Q * U === Wo ? dy : pad(dy, [[0, 0], [0, 0], [0, Q * U - Wo], [0, 0]]);
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
 * A depthwise convolution whose kernel spans the whole (padded) height — one output row — with
 * a 1-wide kernel along W at stride 1 and no W padding: EEGNet's spatial filter `(C, 1)` over
 * all electrodes. Its generic input gradient (a convolution of dy padded by kH-1 rows) wastes
 * kH× the work, so it is computed as a broadcast product instead.
 */
function isSingleRowDepthwise(x: Tensor, f: Tensor, dy: Tensor, a: NnkitConvAttrs): boolean {
  const [kH, kW] = f.shape as [number, number, number, number];
  return a.depthwise && dy.shape[1] === 1 && kW === 1 && a.strides[1] === 1 && a.pad[2] === 0 && a.pad[3] === 0 && (a.dilations[0] === 1 || kH === 1) && x.shape[2] === dy.shape[2];
}

/** Rows of the filter that hit input rows 0..H-1 of the single output row: [H, C, M], zero where none. */
function filterRows(f: Tensor, H: number, top: number): Tensor {
  const [kH, , C, M] = f.shape as [number, number, number, number];
  const f3 = reshape(f, [kH, C, M]);
  const before = Math.max(0, -top);
  const after = Math.max(0, top + H - kH);
  const fp = before || after ? pad(f3, [[before, after], [0, 0], [0, 0]]) : f3;
  return slice(fp, [top + before, 0, 0], [H, C, M]);
}

/** Input gradient of {@link isSingleRowDepthwise}: dx[b,h,w,c] = Σ_m dy[b,0,w,c·M+m]·f[h+padTop,0,c,m]. */
function singleRowDepthwiseInputGrad(dy: Tensor, x: Tensor, f: Tensor, a: NnkitConvAttrs): Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const M = f.shape[3]!;
  const fr = filterRows(f, H, a.pad[0]);
  if (M === 1) return mul(reshape(dy, [B, 1, W, C]), reshape(fr, [1, H, 1, C]));
  return sum(mul(reshape(dy, [B, 1, W, C, M]), reshape(fr, [1, H, 1, C, M])), 4);
}

/**
 * The output of a convolution over an empty input (batch 0, or a zero-size axis): tfjs-backend-wasm's
 * XNNPACK convolution refuses it (and an empty transpose traps), so it is made here — empty, or
 * zeros when only the channels are empty. Null when the input is not empty.
 */
function emptyConvOutput(x: TensorInfo, f: TensorInfo, a: NnkitConvAttrs, backend: KernelBackend): TensorInfo | null {
  if (!x.shape.some((d) => d === 0)) return null;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const [kH, kW, , M] = f.shape as [number, number, number, number];
  const out = (len: number, k: number, s: number, d: number, p0: number, p1: number): number => Math.max(0, Math.floor((len + p0 + p1 - d * (k - 1) - 1) / s) + 1);
  const shape = [B, out(H, kH, a.strides[0], a.dilations[0], a.pad[0], a.pad[1]), out(W, kW, a.strides[1], a.dilations[1], a.pad[2], a.pad[3]), a.depthwise ? C * M : M];
  return { dataId: backend.write(new Float32Array(shape.reduce((p, v) => p * v, 1)), shape, 'float32'), shape, dtype: 'float32' };
}

function convKernelFor(backendName: string): KernelConfig {
  const conv2d = getKernel('Conv2D', backendName);
  const dw = getKernel('DepthwiseConv2dNative', backendName);
  if (conv2d === undefined || dw === undefined) {
    throw new Error(`nnkit: backend '${backendName}' has no Conv2D/DepthwiseConv2dNative kernel`);
  }
  return {
    kernelName: NNKIT_CONV,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as NnkitConvAttrs;
      const empty = emptyConvOutput(inputs.x as TensorInfo, inputs.filter as TensorInfo, a, backend as KernelBackend);
      if (empty !== null) return empty;
      const k = a.depthwise ? dw : conv2d;
      return k.kernelFunc({ inputs, backend, attrs: kernelAttrs(a.strides, a.dilations, a.pad) }) as TensorInfo;
    },
  };
}

const convGrad: GradConfig = {
  kernelName: NNKIT_CONV,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, f] = saved as [Tensor, Tensor];
    const a = attrs as unknown as NnkitConvAttrs;
    const g = dy as Tensor;
    // An empty batch: nothing flows back (the backends' convolutions refuse empty operands).
    if (x.size === 0 || g.size === 0) return { x: () => zeros(x.shape), filter: () => zeros(f.shape) };
    return { x: () => convInputGrad(g, x, f, a), filter: () => convFilterGrad(g, x, f, a) };
  },
};

let gradRegistered = false;

/** Registers the {@link NNKIT_CONV} kernel for `backendName` and (once) its gradient. */
export function registerConvKernels(backendName: string): void {
  registerKernel(convKernelFor(backendName));
  if (!gradRegistered) {
    registerGradient(convGrad);
    gradRegistered = true;
  }
}
