import { Tensor, slice } from '@tensorflow/tfjs-core';
import type { Signal1D } from './signal-util.js';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

function resolve(i: number, T: number): number {
  const r = i < 0 ? i + T : i;
  return Math.min(Math.max(r, 0), T);
}

/**
 * Samples `start` (inclusive) to `stop` (exclusive) of the time axis (the last axis), like
 * Python's `x[..., start:stop]` (negative indices count from the end; `stop` defaults to T).
 *
 * @param x - a tensor `[..., T]` (→ new tensor `[..., stop − start]`), a channel `[T]`, or channels `[C][T]`
 * @example `cropTime(eeg, 125, 625)` // [C, 1000] → [C, 500]
 */
export function cropTime<S extends Tensor | Signal1D | readonly Signal1D[]>(x: S, start: number, stop?: number): S extends Tensor ? Tensor : S extends Signal1D ? Signal1D : Signal1D[] {
  if (!Number.isInteger(start) || (stop !== undefined && !Number.isInteger(stop))) {
    throw new ArgumentError('cropTime', `start and stop must be integers, got ${start}, ${stop}`);
  }
  const crop1 = (r: Signal1D): Signal1D => r.slice(resolve(start, r.length), Math.max(resolve(start, r.length), resolve(stop ?? r.length, r.length)));
  if (x instanceof Tensor) {
    if (x.rank === 0) throw new ShapeError('cropTime', '[..., T]', 'a scalar', 'a tensor');
    const T = x.shape[x.rank - 1]!;
    const a = resolve(start, T);
    const b = Math.max(a, resolve(stop ?? T, T));
    const begin = x.shape.map((_, d) => (d === x.rank - 1 ? a : 0));
    const size = x.shape.map((s, d) => (d === x.rank - 1 ? b - a : s));
    return slice(x, begin, size) as never;
  }
  if (x instanceof Float32Array || x instanceof Float64Array || (Array.isArray(x) && (x.length === 0 || typeof x[0] === 'number'))) {
    return crop1(x as Signal1D) as never;
  }
  return (x as readonly Signal1D[]).map(crop1) as never;
}
