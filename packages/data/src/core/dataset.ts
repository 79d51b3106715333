import { type Tensor, gather, reshape, slice, tensor1d, tidy } from '@tensorflow/tfjs-core';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

/** A value or a promise of it: `Dataset.get` may be synchronous or asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A map-style data set (like `torch.utils.data.Dataset`): `length` samples addressed by
 * index. `get(i)` may return the sample or a promise of it, so data can be read lazily
 * (from files, over the network) when a loader asks for it.
 *
 * Tensors returned by `get` are owned by the caller; the {@link DataLoader} disposes them
 * after stacking them into a batch with the default collate.
 *
 * @example
 * ```ts
 * class Squares extends Dataset<[number, number]> {
 *   readonly length = 10;
 *   get(i: number): [number, number] { return [i, i * i]; }
 * }
 * ```
 */
export abstract class Dataset<T> {
  /** Number of samples. */
  abstract readonly length: number;
  /** The sample at `index` (0 ≤ index < length). */
  abstract get(index: number): MaybePromise<T>;
  /**
   * Optional fast path (PyTorch's `__getitems__`): the already-batched samples at
   * `indices`. When present, the {@link DataLoader} uses it instead of `get` + collate
   * if no custom `collate` was given.
   */
  getBatch?(indices: Int32Array | readonly number[]): MaybePromise<unknown>;
}

/**
 * An iterable-style data set (like `torch.utils.data.IterableDataset`): a stream of
 * samples without random access, consumed with `for await`.
 *
 * @example
 * ```ts
 * class Counter extends IterableDataset<number> {
 *   async *[Symbol.asyncIterator]() { for (let i = 0; i < 5; i++) yield i; }
 * }
 * ```
 */
export abstract class IterableDataset<T> implements AsyncIterable<T> {
  /** The samples, in order; called once per epoch. */
  abstract [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Checks an index against a length and returns it normalised (negative indices count from the end). */
export function checkIndex(index: number, length: number, who: string): number {
  if (!Number.isInteger(index)) throw new ArgumentError(who, `index must be an integer, got ${index}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new ArgumentError(who, `index ${index} out of range for length ${length}`);
  return i;
}

/**
 * Wraps tensors that share their first dimension (like `torch.utils.data.TensorDataset`):
 * sample `i` is the tuple of row `i` of every tensor, e.g. `x: [N, C, T]`, `y: [N]` →
 * `[x_i: [C, T], y_i: []]`. The data set keeps references to the tensors; it does not
 * dispose them. Batches are gathered in one op per tensor (see `getBatch`).
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(tensor2d([[1, 2], [3, 4]]), tensor1d([0, 1], 'int32'));
 * const [x0, y0] = ds.get(0); // x0: [2], y0: [] — the caller disposes them
 * ```
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  readonly length: number;
  readonly tensors: T;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ArgumentError('TensorDataset', 'at least one tensor is required');
    const n = tensors[0]!.shape[0];
    tensors.forEach((t, k) => {
      if (t.rank === 0 || t.shape[0] !== n) {
        throw new ShapeError('TensorDataset', `first dimension ${n} (size mismatch between tensors: tensor 0 has ${n})`, t.shape, `tensor ${k}`);
      }
    });
    this.tensors = tensors;
    this.length = n ?? 0;
  }

  /** Row `index` of every tensor (new tensors, owned by the caller). */
  get(index: number): T {
    const i = checkIndex(index, this.length, 'TensorDataset.get');
    return tidy(() =>
      this.tensors.map((t) => {
        const begin = t.shape.map((_, d) => (d === 0 ? i : 0));
        const size = t.shape.map((s, d) => (d === 0 ? 1 : s));
        return reshape(slice(t, begin, size), t.shape.slice(1));
      }),
    ) as T;
  }

  /** Rows `indices` of every tensor, gathered in one op each: `[B, ...]` tensors owned by the caller. */
  override getBatch(indices: Int32Array | readonly number[]): T {
    const idx = Int32Array.from(indices, (v) => checkIndex(v, this.length, 'TensorDataset.getBatch'));
    return tidy(() => {
      const it = tensor1d(idx, 'int32');
      return this.tensors.map((t) => gather(t, it, 0));
    }) as T;
  }
}

/**
 * The samples of `dataset` at `indices` (like `torch.utils.data.Subset`).
 *
 * @example `new Subset(ds, [0, 2, 4]).get(1)` → `ds.get(2)`
 */
export class Subset<T> extends Dataset<T> {
  readonly indices: Int32Array;

  constructor(
    readonly dataset: Dataset<T>,
    indices: Int32Array | readonly number[],
  ) {
    super();
    this.indices = Int32Array.from(indices, (v) => checkIndex(v, dataset.length, 'Subset'));
    const inner = dataset.getBatch?.bind(dataset);
    if (inner) this.getBatch = (ix) => inner(Int32Array.from(ix, (v) => this.indices[checkIndex(v, this.length, 'Subset.getBatch')]!));
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): MaybePromise<T> {
    return this.dataset.get(this.indices[checkIndex(index, this.length, 'Subset.get')]!);
  }
}

/**
 * Several data sets one after another (like `torch.utils.data.ConcatDataset`).
 *
 * @example `new ConcatDataset([a, b]).length === a.length + b.length`
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** Cumulative lengths: `cumulativeSizes[k]` = total length of datasets 0..k. */
  readonly cumulativeSizes: number[];

  constructor(datasets: readonly Dataset<T>[]) {
    super();
    if (datasets.length === 0) throw new ArgumentError('ConcatDataset', 'datasets should not be an empty iterable');
    this.datasets = datasets;
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1] ?? 0;
  }

  get(index: number): MaybePromise<T> {
    const i = checkIndex(index, this.length, 'ConcatDataset.get');
    // binary search for the first cumulative size > i
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid]! > i) hi = mid;
      else lo = mid + 1;
    }
    const offset = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.get(i - offset);
  }
}
