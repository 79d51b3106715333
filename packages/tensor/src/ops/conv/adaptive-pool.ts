import { add, matMul, max, reshape, tensor, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
import { expand, type SizeArg } from './conv-args.js';
import { ShapeError } from '../../errors/errors.js';

/** PyTorch's adaptive bins: bin i covers [floor(i*In/Out), ceil((i+1)*In/Out)). */
export function adaptiveBins(len: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * len) / out), Math.ceil(((i + 1) * len) / out)]);
}

/** Averages the last axis of `x2` ([N, L]) into `out` bins with a [L, out] averaging matrix. */
function avgLast(x2: Tensor, len: number, out: number): Tensor {
  const m = new Float32Array(len * out);
  adaptiveBins(len, out).forEach(([s, e], i) => {
    for (let j = s; j < e; j++) m[j * out + i] = 1 / (e - s);
  });
  return matMul(x2, tensor(m, [len, out]));
}

/** Max of the last axis of `x2` ([N, L]) over `out` bins: one-hot gather (matmul) then max. */
function maxLast(x2: Tensor, len: number, out: number): Tensor {
  const bins = adaptiveBins(len, out);
  const kmax = Math.max(...bins.map(([s, e]) => e - s));
  const sel = new Float32Array(len * out * kmax);
  const mask = new Float32Array(out * kmax);
  bins.forEach(([s, e], i) => {
    for (let j = 0; j < kmax; j++) {
      if (s + j < e) sel[(s + j) * out * kmax + i * kmax + j] = 1;
      else mask[i * kmax + j] = -Infinity;
    }
  });
  const g = add(matMul(x2, tensor(sel, [len, out * kmax])), tensor(mask, [1, out * kmax]));
  return max(reshape(g, [x2.shape[0]!, out, kmax]), 2);
}

function check(fn: string, x: Tensor, rank: number): void {
  if (x.rank !== rank) throw new ShapeError(fn, `rank ${rank} ${rank === 3 ? '[B, C, T]' : '[B, C, H, W]'}`, x.shape);
}

function adaptive1d(fn: string, x: Tensor, outputSize: SizeArg, f: typeof avgLast): Tensor {
  check(fn, x, 3);
  const [o] = expand(outputSize, 1, `${fn}: outputSize`) as [number];
  const [b, c, l] = x.shape as [number, number, number];
  return tidy(() => reshape(f(reshape(x, [b * c, l]), l, o), [b, c, o]));
}

function adaptive2d(fn: string, x: Tensor, outputSize: SizeArg, f: typeof avgLast): Tensor {
  check(fn, x, 4);
  const [oh, ow] = expand(outputSize, 2, `${fn}: outputSize`) as [number, number];
  const [b, c, h, w] = x.shape as [number, number, number, number];
  return tidy(() => {
    const yw = reshape(f(reshape(x, [b * c * h, w]), w, ow), [b * c, h, ow]);
    const yh = f(reshape(transpose(yw, [0, 2, 1]), [b * c * ow, h]), h, oh);
    return transpose(reshape(yh, [b, c, ow, oh]), [0, 1, 3, 2]);
  });
}

/**
 * Adaptive average pooling (`F.adaptive_avg_pool1d`): PyTorch's bins, any sizes incl. output > input.
 * @param x `[B, C, T]` @returns `[B, C, outputSize]`
 * @example
 * ```ts
 * const y = adaptiveAvgPool1d(x, 7);
 * ```
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: SizeArg): Tensor {
  return adaptive1d('adaptiveAvgPool1d', x, outputSize, avgLast);
}

/**
 * Adaptive average pooling (`F.adaptive_avg_pool2d`).
 * @param x `[B, C, H, W]` @returns `[B, C, oH, oW]`
 * @example
 * ```ts
 * const y = adaptiveAvgPool2d(x, 1); // global average pooling: [B, C, 1, 1]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: SizeArg): Tensor {
  return adaptive2d('adaptiveAvgPool2d', x, outputSize, avgLast);
}

/**
 * Adaptive max pooling (`F.adaptive_max_pool1d`, values only). Inputs must be finite.
 * @param x `[B, C, T]` @returns `[B, C, outputSize]`
 * @example
 * ```ts
 * const y = adaptiveMaxPool1d(x, 4);
 * ```
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: SizeArg): Tensor {
  return adaptive1d('adaptiveMaxPool1d', x, outputSize, maxLast);
}

/**
 * Adaptive max pooling (`F.adaptive_max_pool2d`, values only). Inputs must be finite.
 * @param x `[B, C, H, W]` @returns `[B, C, oH, oW]`
 * @example
 * ```ts
 * const y = adaptiveMaxPool2d(x, [2, 4]);
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: SizeArg): Tensor {
  return adaptive2d('adaptiveMaxPool2d', x, outputSize, maxLast);
}
