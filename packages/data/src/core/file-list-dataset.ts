import { Dataset, type MaybePromise, checkIndex } from './dataset.js';

/**
 * A data set of files read lazily: `get(i)` calls `load(paths[i], i)` only when the sample
 * is needed, so a data set larger than memory streams through a {@link DataLoader} (which
 * holds at most `prefetch` batches at a time). `load` is yours: read the file with
 * `node:fs/promises`, `fetch` in the browser, decode, and return the sample.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const ds = new FileListDataset(paths, async (p) => {
 *   const buf = await readFile(p);
 *   return { x: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), y: labelOf(p) };
 * });
 * for await (const batch of new DataLoader(ds, { batchSize: 32, shuffle: true, prefetch: 2 })) { ... }
 * ```
 */
export class FileListDataset<T, P = string> extends Dataset<T> {
  readonly paths: readonly P[];

  /**
   * @param paths - one entry per sample (file paths, URLs, or any key `load` understands)
   * @param load - reads and decodes one sample; may be async
   */
  constructor(
    paths: readonly P[],
    private readonly load: (path: P, index: number) => MaybePromise<T>,
  ) {
    super();
    this.paths = paths;
  }

  get length(): number {
    return this.paths.length;
  }

  get(index: number): MaybePromise<T> {
    const i = checkIndex(index, this.paths.length, 'FileListDataset.get');
    return this.load(this.paths[i]!, i);
  }
}

/**
 * Applies `fn` to every sample of `dataset` on access (lazy map, e.g. a transform).
 *
 * @example `new MappedDataset(ds, ([x, y]) => [normalize(x), y])`
 */
export class MappedDataset<T, U> extends Dataset<U> {
  constructor(
    readonly dataset: Dataset<T>,
    private readonly fn: (sample: T, index: number) => MaybePromise<U>,
  ) {
    super();
  }

  get length(): number {
    return this.dataset.length;
  }

  get(index: number): MaybePromise<U> {
    const s = this.dataset.get(index);
    return s instanceof Promise ? s.then((v) => this.fn(v, index)) : this.fn(s, index);
  }
}
