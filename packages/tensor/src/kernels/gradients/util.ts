import {
  mul,
  ones,
  reshape,
  sum,
  util,
  zeros,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

/**
 * `shape` with adjacent axes of the same kind (in `axes` or not) merged and size-1 axes dropped:
 * `sizes[i]` is a merged axis, `reduced[i]` whether it belongs to `axes`. The kinds alternate,
 * so e.g. `[64, 16, 1, 1000]` with axes `[0, 2, 3]` becomes `[64, 16, 1000]`, reduced R K R.
 */
export function mergeAxes(shape: readonly number[], axes: readonly number[]): { sizes: number[]; reduced: boolean[] } {
  const sizes: number[] = [];
  const reduced: boolean[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const r = axes.includes(i);
    if (reduced.length > 0 && reduced[reduced.length - 1] === r) sizes[sizes.length - 1]! *= d;
    else {
      sizes.push(d);
      reduced.push(r);
    }
  });
  return { sizes, reduced };
}

/**
 * Sums `g` over `axes`, keeping no dims (the result has `g.size / prod(axes)` elements, in any
 * shape: the caller reshapes). On wasm, `sum` over axes that are not innermost transposes the
 * whole input first, so an innermost run of reduced axes is summed on its own first (fast) and
 * the rest is reduced on the smaller result. (`matMul(ones[1, R], g[R, rest])` for an outer run
 * would be faster still, but tfjs-wasm caches its XNNPACK operator by `b`'s data id, and `g`
 * reshaped to another shape with the same id reads out of bounds.)
 */
function reduceAxes(g: Tensor, axes: readonly number[]): Tensor {
  const { sizes, reduced } = mergeAxes(g.shape, axes);
  if (g.size === 0 || !reduced[reduced.length - 1] || reduced.length < 3) return sum(g, axes as number[]);
  const r = sizes.pop()!;
  reduced.pop();
  const t = sum(reshape(g, [g.size / r, r]), 1);
  return sum(reshape(t, sizes), reduced.flatMap((x, i) => (x ? [i] : [])));
}

/**
 * Sums a broadcast gradient `g` back to `shape` (the shape of the input that was broadcast):
 * every axis that broadcasting added or stretched from 1 is summed. Always returns a new tensor.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  // Not backend_util.getReductionAxes: it keeps an axis stretched from 1 to 0 (an empty batch).
  const lead = g.rank - shape.length;
  const axes = g.shape.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  const s = axes.length > 0 ? reduceAxes(g, axes) : g;
  return reshape(s, shape as number[]);
}

/**
 * `dy` of a reduction over `axes` (any shape with the kept elements in order) repeated along
 * those axes up to `shape`. `broadcastTo` runs as wasm's `Tile` kernel, ≈20× slower than this
 * broadcasting multiply by ones (axes are merged first so the multiply has the lowest rank).
 */
export function spread(dy: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  if (util.sizeFromShape(shape as number[]) === 0) return zeros(shape as number[], dy.dtype);
  const { sizes, reduced } = mergeAxes(shape, axes);
  const kept = sizes.map((d, i) => (reduced[i] ? 1 : d));
  return reshape(mul(reshape(dy, kept), ones(sizes, dy.dtype)), shape as number[]);
}

/** A float32 zero gradient for an input of shape `shape` (for piecewise-constant or integer ops). */
export function zeroGrad(shape: readonly number[]): Tensor {
  return zeros(shape as number[], 'float32');
}

/** The (non-negative, sorted) axes of a reduction attribute; `null`/`undefined` means every axis. */
export function reductionAxes(axis: unknown, shape: readonly number[]): number[] {
  const a = axis == null ? null : (axis as number | number[]);
  return util.parseAxisParam(a as number | number[], shape as number[]).sort((x, y) => x - y);
}

/** `shape` with every axis in `axes` set to 1 (the keepDims shape of a reduction). */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Normalises a possibly negative axis against `rank`. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Reads a typed attribute map. */
export function attrsOf<T>(attrs: NamedAttrMap | undefined): T {
  return (attrs ?? {}) as unknown as T;
}

/** `[v, v]` for a number, the pair itself otherwise. */
export function pair(v: number | readonly number[]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0]!, v[1] ?? v[0]!];
}
