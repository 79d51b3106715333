import { concat, mirrorPad, mul, ones, pad as tfPad, slice, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError } from '../../errors/errors.js';

/** Border modes of {@link padNd} (PyTorch's `F.pad` modes). */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link padNd}. */
export interface PadOptions {
  /** Default `'constant'`. */
  mode?: PadMode;
  /** Fill value of `'constant'` mode. Default 0. */
  value?: number;
}

/**
 * Pads the trailing axes of `x` like PyTorch's `F.pad(x, pad, mode, value)`: `pad` lists
 * `[left, right]` pairs starting from the LAST axis (`[wl, wr, ht, hb]` pads W then H).
 * Modes: `'constant'` (`value`), `'reflect'` (mirror without repeating the edge; each pad must be
 * smaller than its axis), `'replicate'` (repeat the edge value), `'circular'` (wrap around; each
 * pad at most its axis). Differentiable. Pads must be non-negative.
 *
 * x: any rank ≥ `pad.length / 2` → the padded axes grow by `left + right`.
 *
 * @example
 * ```ts
 * padNd(x, [2, 1], { mode: 'reflect' });          // x: [B, C, T] → [B, C, T + 3]
 * padNd(x, [1, 1, 1, 1], { mode: 'replicate' });  // x: [B, C, H, W] → [B, C, H + 2, W + 2]
 * ```
 */
export function padNd(x: Tensor, pad: readonly number[], opts: PadOptions = {}): Tensor {
  const mode = opts.mode ?? 'constant';
  const n = pad.length / 2;
  if (!Number.isInteger(n) || n > x.rank) {
    throw new ArgumentError('padNd', `pad must hold [left, right] pairs for at most ${x.rank} axes of a rank-${x.rank} input, got [${pad}]`);
  }
  if (pad.some((p) => !Number.isInteger(p) || p < 0)) throw new ArgumentError('padNd', `pads must be non-negative integers, got [${pad}]`);
  const pairs = new Array<[number, number]>(x.rank).fill([0, 0]).map((p) => [...p] as [number, number]);
  for (let i = 0; i < n; i++) pairs[x.rank - 1 - i] = [pad[2 * i]!, pad[2 * i + 1]!];
  for (let a = 0; a < x.rank; a++) {
    const [l, r] = pairs[a]!;
    const size = x.shape[a]!;
    if (mode === 'reflect' && (l >= size || r >= size)) {
      throw new ArgumentError('padNd', `'reflect' padding (${l}, ${r}) must be smaller than the padded axis ${a} (size ${size})`);
    }
    if (mode === 'circular' && (l > size || r > size)) {
      throw new ArgumentError('padNd', `'circular' padding (${l}, ${r}) must not exceed the padded axis ${a} (size ${size})`);
    }
    if (mode === 'replicate' && size === 0 && l + r > 0) throw new ArgumentError('padNd', `cannot replicate an empty axis ${a}`);
  }
  if (mode === 'constant') return tfPad(x, pairs, opts.value ?? 0);
  if (mode === 'reflect') return mirrorPad(x, pairs, 'reflect');
  return tidy(() => {
    let y = x;
    for (let a = x.rank - 1; a >= 0; a--) {
      const [l, r] = pairs[a]!;
      if (l === 0 && r === 0) continue;
      const size = y.shape[a]!;
      const cut = (start: number, len: number): Tensor => {
        const begin = y.shape.map((_, i) => (i === a ? start : 0));
        const sz = y.shape.map((d, i) => (i === a ? len : d));
        return slice(y, begin, sz);
      };
      // replicate: the edge slice broadcast to the pad's width (a multiply by ones, not Tile).
      const repeat = (edge: Tensor, k: number): Tensor => mul(edge, ones(edge.shape.map((d, i) => (i === a ? k : 1))));
      const parts: Tensor[] = [];
      if (l > 0) parts.push(mode === 'replicate' ? repeat(cut(0, 1), l) : cut(size - l, l));
      parts.push(y);
      if (r > 0) parts.push(mode === 'replicate' ? repeat(cut(size - 1, 1), r) : cut(0, r));
      y = concat(parts, a);
    }
    return y;
  });
}
