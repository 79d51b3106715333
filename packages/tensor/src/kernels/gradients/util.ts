import { backend_util, reshape, sum, util, zeros, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Sums a broadcast gradient `g` back to `shape` (the shape of the input that was broadcast):
 * every axis that broadcasting added or stretched from 1 is summed. Always returns a new tensor.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const axes = backend_util.getReductionAxes(shape as number[], g.shape);
  const s = axes.length > 0 ? sum(g, axes) : g;
  return reshape(s, shape as number[]);
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
