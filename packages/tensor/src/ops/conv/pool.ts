import { avgPool, fill, getBackend, matMul, maximum, maxPool, mul, pad, reshape, slice, tensor, tidy, transpose, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { subsample } from '../../kernels/conv-nhwc.js';
import { hasMaxPoolKernel, maxPoolNchw, type MaxPoolWindows } from '../../kernels/max-pool-nchw.js';
import { expand, type SizeArg } from './conv-args.js';
import { ShapeError, ArgumentError } from '../../errors/errors.js';

/** Options of {@link maxPool1d} / {@link maxPool2d} (PyTorch `F.max_pool*d`). */
export interface MaxPoolOptions {
  /** Default: the kernel size. */
  stride?: SizeArg | null;
  /** Implicit -inf padding on both sides, at most half the kernel. Default 0. */
  padding?: SizeArg;
  /** Spacing between window elements. Default 1. */
  dilation?: SizeArg;
  /** Use ceil instead of floor for the output size (last window must start inside input or left padding). */
  ceilMode?: boolean;
}

/** Options of {@link avgPool1d} / {@link avgPool2d} (PyTorch `F.avg_pool*d`). */
export interface AvgPoolOptions {
  /** Default: the kernel size. */
  stride?: SizeArg | null;
  /** Implicit zero padding on both sides, at most half the kernel. Default 0. */
  padding?: SizeArg;
  /** Use ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor. Default true (PyTorch). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead. */
  divisorOverride?: number | null;
}

/** One pooled axis: input length, kernel, stride, padding, dilation -> output length and right padding. */
interface Axis {
  len: number;
  k: number;
  s: number;
  p: number;
  d: number;
  out: number;
  /** Padding needed after the input so every window lies inside (negative: input to drop). */
  right: number;
}

/** PyTorch's `pooling_output_shape` with the ceil-mode rule (last window starts inside input or left pad). */
export function poolOutSize(len: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const num = len + 2 * p - d * (k - 1) - 1;
  let out = (ceilMode ? Math.ceil(num / s) : Math.floor(num / s)) + 1;
  if (ceilMode && (out - 1) * s >= len + p) out--;
  return out;
}

function axes(fn: string, x: Tensor, n: number, kernel: SizeArg, o: { stride?: SizeArg | null; padding?: SizeArg; dilation?: SizeArg; ceilMode?: boolean }): Axis[] {
  if (x.rank !== n + 2) throw new ShapeError(fn, `rank ${n + 2} ${n === 1 ? '[B, C, T]' : '[B, C, H, W]'}`, x.shape);
  const k = expand(kernel, n, `${fn}: kernelSize`);
  const s = expand(o.stride ?? k, n, `${fn}: stride`);
  const p = expand(o.padding ?? 0, n, `${fn}: padding`, 0);
  const d = expand(o.dilation ?? 1, n, `${fn}: dilation`);
  return k.map((kk, i) => {
    const len = x.shape[2 + i]!;
    if (p[i]! * 2 > kk) throw new ArgumentError(fn, `padding ${p[i]} must be at most half of the kernel size ${kk}`);
    const out = poolOutSize(len, kk, s[i]!, p[i]!, d[i]!, o.ceilMode ?? false);
    if (out < 1) throw new ShapeError(fn, `an axis long enough for kernel ${kk} (dilation ${d[i]}, padding ${p[i]})`, `[${x.shape.join(', ')}] (axis length ${len})`);
    const right = (out - 1) * s[i]! + d[i]! * (kk - 1) + 1 - len - p[i]!;
    return { len, k: kk, s: s[i]!, p: p[i]!, d: d[i]!, out, right };
  });
}

/** NCHW (or NCT) -> padded NHWC with both axes sized exactly for the windows. */
function toPaddedNhwc(x: Tensor, ax: Axis[], value: number): Tensor4D {
  const [b, c] = x.shape as [number, number];
  const [ah, aw] = ax.length === 2 ? [ax[0]!, ax[1]!] : [{ len: 1, p: 0, right: 0 } as Axis, ax[0]!];
  let t = (c === 1 ? reshape(x, [b, ah.len, aw.len, 1]) : transpose(reshape(x, [b, c, ah.len, aw.len]), [0, 2, 3, 1])) as Tensor4D;
  if (ah.right < 0 || aw.right < 0) t = slice(t, [0, 0, 0, 0], [b, ah.len + Math.min(0, ah.right), aw.len + Math.min(0, aw.right), c]);
  if (ah.p || aw.p || ah.right > 0 || aw.right > 0) {
    t = pad(t, [[0, 0], [ah.p, Math.max(0, ah.right)], [aw.p, Math.max(0, aw.right)], [0, 0]], value);
  }
  return t;
}

function fromNhwc(y: Tensor4D, rank: number): Tensor {
  const [b, h, w, c] = y.shape;
  const t = c === 1 ? reshape(y, [b, 1, h, w]) : transpose(y, [0, 3, 1, 2]);
  return rank === 3 ? reshape(t, [b, c, w]) : t;
}

function maxPoolNd(fn: string, x: Tensor, n: number, kernel: SizeArg, o: MaxPoolOptions): Tensor {
  const ax = axes(fn, x, n, kernel, o);
  if (x.dtype === 'float32' && hasMaxPoolKernel(getBackend())) {
    // nnkit's NCHW kernel: one kernel forward, one backward, PyTorch's first-maximum rule.
    const [ah, aw] = ax.length === 2 ? [ax[0]!, ax[1]!] : [{ len: 1, k: 1, s: 1, p: 0, d: 1, out: 1 } as Axis, ax[0]!];
    const [b, c] = x.shape as [number, number];
    const attrs = { kernel: [ah.k, aw.k], strides: [ah.s, aw.s], pads: [ah.p, aw.p], dilations: [ah.d, aw.d], out: [ah.out, aw.out] } as MaxPoolWindows;
    if (x.rank === 4) return maxPoolNchw(x, attrs);
    return tidy(() => reshape(maxPoolNchw(reshape(x, [b, c, 1, aw.len]), attrs), [b, c, aw.out]));
  }
  return tidy(() => {
    const t = toPaddedNhwc(x, ax, -Infinity);
    const [ah, aw] = ax.length === 2 ? [ax[0]!, ax[1]!] : [{ k: 1, s: 1, d: 1, out: 1 } as Axis, ax[0]!];
    let y: Tensor4D;
    // tfjs-backend-wasm's MaxPoolGrad returns wrong gradients (seen with valid windows that
    // skip trailing input), so on wasm the max is taken over strided views, whose gradient
    // (Maximum: ties to the earlier view) matches PyTorch's first-index rule.
    if (ah.d === 1 && aw.d === 1 && getBackend() !== 'wasm') {
      y = maxPool(t, [ah.k, aw.k], [ah.s, aw.s], 'valid');
    } else {
      // Dilated windows: elementwise max over the kH*kW strided views.
      const [b, , , c] = t.shape;
      y = undefined as unknown as Tensor4D;
      for (let i = 0; i < ah.k; i++) {
        for (let j = 0; j < aw.k; j++) {
          const v = slice(t, [0, i * ah.d, j * aw.d, 0], [b, (ah.out - 1) * ah.s + 1, (aw.out - 1) * aw.s + 1, c]);
          const sv = subsample(v, ah.s, aw.s);
          y = y === undefined ? sv : maximum(y, sv);
        }
      }
    }
    return fromNhwc(y, x.rank);
  });
}

/**
 * Non-overlapping windows along the last axis only (EEGNet's `[1, 8]` pooling): in the input's own
 * layout, each window is a row of a `[N, k]` view averaged by one `[k, 1]` matmul — no NCHW↔NHWC
 * transposes and no `AvgPoolGrad` (which costs ≈70 ms at EEG-TCNet's batch-64 shape on wasm).
 */
function avgPoolLastAxis(x: Tensor, ax: Axis[], o: AvgPoolOptions): Tensor | null {
  const last = ax[ax.length - 1]!;
  const others = ax.slice(0, -1);
  if (others.some((a) => a.k !== 1 || a.s !== 1 || a.p !== 0) || last.p !== 0 || last.s !== last.k || last.right > 0) return null;
  const shape = x.shape;
  const lead = shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const used = last.out * last.k;
  const x2 = reshape(x, [rows, last.len]);
  const xc = used === last.len ? x2 : slice(x2, [0, 0], [rows, used]);
  const w = fill([last.k, 1], 1 / (o.divisorOverride ?? last.k));
  return reshape(matMul(reshape(xc, [rows * last.out, last.k]), w), [...lead, last.out]);
}

function avgPoolNd(fn: string, x: Tensor, n: number, kernel: SizeArg, o: AvgPoolOptions): Tensor {
  const ax = axes(fn, x, n, kernel, { ...o, dilation: 1 });
  return tidy(() => {
    const fast = avgPoolLastAxis(x, ax, o);
    if (fast !== null) return fast;
    const t = toPaddedNhwc(x, ax, 0);
    const [ah, aw] = ax.length === 2 ? [ax[0]!, ax[1]!] : [{ k: 1, s: 1, p: 0, len: 1, out: 1 } as Axis, ax[0]!];
    const y = avgPool(t, [ah.k, aw.k], [ah.s, aw.s], 'valid');
    // avgPool divided every (fully padded) window by kH*kW; rescale to PyTorch's divisor.
    const factor = (a: Axis): number[] =>
      Array.from({ length: a.out }, (_, i) => {
        let start = i * a.s - a.p;
        let end = Math.min(start + a.k, a.len + a.p);
        const poolSize = end - start;
        start = Math.max(start, 0);
        end = Math.min(end, a.len);
        return o.countIncludePad === false ? end - start : poolSize;
      });
    const fh = factor(ah);
    const fw = factor(aw);
    const scale = new Float32Array(ah.out * aw.out);
    let exact = true;
    for (let i = 0; i < ah.out; i++) {
      for (let j = 0; j < aw.out; j++) {
        const div = o.divisorOverride != null ? o.divisorOverride : fh[i]! * fw[j]!;
        const v = (ah.k * aw.k) / div;
        scale[i * aw.out + j] = v;
        if (v !== 1) exact = false;
      }
    }
    const out = exact ? y : mul(y, tensor(scale, [1, ah.out, aw.out, 1]));
    return fromNhwc(out as Tensor4D, x.rank);
  });
}

/**
 * 1-D max pooling with PyTorch semantics (`F.max_pool1d`).
 * @param x `[B, C, T]`
 * @returns `[B, C, To]`
 * @example
 * ```ts
 * const y = maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true });
 * ```
 */
export function maxPool1d(x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('maxPool1d', x, 1, kernelSize, opts);
}

/**
 * 2-D max pooling with PyTorch semantics (`F.max_pool2d`), incl. dilation and ceil mode.
 * @param x `[B, C, H, W]`
 * @returns `[B, C, Ho, Wo]`
 * @example
 * ```ts
 * const y = maxPool2d(x, [3, 3], { stride: 2, padding: 1 });
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('maxPool2d', x, 2, kernelSize, opts);
}

/**
 * 1-D average pooling with PyTorch semantics (`F.avg_pool1d`).
 * @param x `[B, C, T]`
 * @returns `[B, C, To]`
 * @example
 * ```ts
 * const y = avgPool1d(x, 4, { padding: 2, ceilMode: true, countIncludePad: false });
 * ```
 */
export function avgPool1d(x: Tensor, kernelSize: SizeArg, opts: Omit<AvgPoolOptions, 'divisorOverride'> = {}): Tensor {
  return avgPoolNd('avgPool1d', x, 1, kernelSize, opts);
}

/**
 * 2-D average pooling with PyTorch semantics (`F.avg_pool2d`): ceil mode, `countIncludePad`,
 * `divisorOverride`.
 * @param x `[B, C, H, W]`
 * @returns `[B, C, Ho, Wo]`
 * @example
 * ```ts
 * const y = avgPool2d(x, [1, 8]); // EEGNet's temporal pooling
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: SizeArg, opts: AvgPoolOptions = {}): Tensor {
  return avgPoolNd('avgPool2d', x, 2, kernelSize, opts);
}
