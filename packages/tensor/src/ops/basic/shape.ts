import { expandDims, reshape, squeeze as tfSqueeze, type Tensor, transpose } from '@tensorflow/tfjs-core';
import { normalizeDim } from './dims.js';
import { ArgumentError } from '../../errors/errors.js';

/**
 * Reorders dimensions, like `torch.permute(x, dims)` (negative dims allowed).
 *
 * @param x `[d0, d1, ...]`
 * @param dims a permutation of `0..rank-1`
 * @returns `[d_dims[0], d_dims[1], ...]`
 * @example
 * ```ts
 * permute(x, [0, 2, 1]); // [B, C, T] -> [B, T, C]
 * ```
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.rank) {
    throw new ArgumentError('permute', `number of dims don't match (input rank ${x.rank}, got ${dims.length} dims [${dims.join(', ')}])`);
  }
  const perm = dims.map((d) => normalizeDim(d, x.rank, 'permute'));
  if (new Set(perm).size !== perm.length) throw new ArgumentError('permute', `repeated dim in [${dims.join(', ')}]`);
  if (perm.every((p, i) => p === i)) return x.clone();
  return transpose(x, perm);
}

/**
 * Flattens dims `startDim..endDim` (inclusive, negative allowed) into one, like `torch.flatten`.
 *
 * @param x `[d0, ..., dn]`
 * @returns e.g. `flatten(x [B, C, H, W], 1)` → `[B, C*H*W]`
 * @example
 * ```ts
 * flatten(x, 1);      // [B, C, H, W] -> [B, C*H*W]
 * flatten(x, 1, 2);   // [B, C, H, W] -> [B, C*H, W]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.rank, 'flatten');
  const e = normalizeDim(endDim, x.rank, 'flatten');
  if (s > e) throw new ArgumentError('flatten', `startDim (${startDim}) cannot come after endDim (${endDim})`);
  const shape = x.shape;
  const mid = shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...shape.slice(0, s), mid, ...shape.slice(e + 1)]);
}

/**
 * Inserts a size-1 dimension at `dim` (in `[-rank-1, rank]`), like `torch.unsqueeze`.
 *
 * @example
 * ```ts
 * unsqueeze(x, 1); // [B, T] -> [B, 1, T]
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.rank + 1, 'unsqueeze');
  return expandDims(x, d);
}

/**
 * Removes dimension `dim` if its size is 1 (otherwise returns a copy), like `torch.squeeze(x, dim)`;
 * without `dim`, removes every size-1 dimension.
 *
 * @example
 * ```ts
 * squeeze(x, 1); // [B, 1, T] -> [B, T]
 * ```
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return tfSqueeze(x);
  if (x.rank === 0) return x.clone();
  const d = normalizeDim(dim, x.rank, 'squeeze');
  if (x.shape[d] !== 1) return x.clone();
  return tfSqueeze(x, [d]);
}
