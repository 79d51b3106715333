import type { Tensor } from '@tensorflow/tfjs-core';
import type { BatchLoader } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/** True for a tfjs tensor (duck-typed). */
export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dataId' in v && 'shape' in v && typeof (v as Tensor).dispose === 'function';
}

/**
 * Reads `x` and `y` from a batch: `[x, y]`, `{ x, y }` or `{ input, target }`; a bare tensor is
 * `x` (for `predict`). Throws a clear error for anything else.
 *
 * @example
 * ```ts
 * const { x, y } = splitBatch([xs, ys]); // x: [B, ...], y: [B, ...]
 * ```
 */
export function splitBatch(batch: unknown, where: string, needY = true): { x: Tensor; y: Tensor | undefined } {
  let x: unknown;
  let y: unknown;
  if (isTensor(batch)) x = batch;
  else if (Array.isArray(batch)) [x, y] = batch as unknown[];
  else if (typeof batch === 'object' && batch !== null) {
    const b = batch as Record<string, unknown>;
    x = b['x'] ?? b['input'];
    y = b['y'] ?? b['target'];
  }
  if (!isTensor(x) || (needY && !isTensor(y))) {
    throw new ArgumentError(where, `a batch must be [x, y] or { x, y } with tensors${needY ? '' : ' (or a tensor x)'}; got ${describe(batch)}`);
  }
  return { x, y: isTensor(y) ? y : undefined };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object' && v !== null) return `an object with keys [${Object.keys(v).join(', ')}]`;
  return String(v);
}

/** Disposes every tensor inside a batch (arrays and plain objects, recursively). */
export function disposeAll(v: unknown): void {
  if (isTensor(v)) {
    if (!v.isDisposed) v.dispose();
  } else if (Array.isArray(v)) for (const e of v) disposeAll(e);
  else if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    for (const e of Object.values(v)) disposeAll(e);
  }
}

/** Iterates a sync or async iterable uniformly. */
export async function* iterate<B>(loader: BatchLoader<B>, where: string): AsyncGenerator<B> {
  if (loader !== null && typeof loader === 'object' && Symbol.asyncIterator in loader) {
    yield* loader as AsyncIterable<B>;
  } else if (loader !== null && typeof loader === 'object' && Symbol.iterator in loader) {
    yield* loader as Iterable<B>;
  } else {
    throw new ArgumentError(where, `expected an iterable or async iterable of batches (e.g. a DataLoader), got ${String(loader)}`);
  }
}

/** Number of batches per epoch when the loader knows it (`length` or `size`), else undefined. */
export function loaderLength(loader: unknown): number | undefined {
  const o = loader as { length?: unknown; size?: unknown };
  if (typeof o?.length === 'number') return o.length;
  if (typeof o?.size === 'number') return o.size;
  return undefined;
}
