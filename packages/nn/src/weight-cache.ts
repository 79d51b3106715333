import { isRecordingGradients } from '@nnkit/tensor';
import { keep, tidy, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Tensors derived only from weights and buffers (a batch norm folded into scale and shift, a
 * filter in the kernel's layout), kept between calls while every source still holds the same
 * data. tfjs replaces a variable's data (`dataId`) on every `assign` — optimizer steps,
 * `loadStateDict`, `init` functions, running-statistics updates — so a changed source is always
 * noticed and the value recomputed. Owned by one module, which frees it in its
 * `clearWeightCache()` override (called by `train()`, `cacheWeights(false)` and `dispose()`); use
 * it only when `module.weightCaching` is on (the default; see `Module.cacheWeights`). While a
 * gradient tape records, `get` computes afresh, so caching never cuts a gradient.
 *
 * @example
 * ```ts
 * class Scaled extends Module {
 *   w = this.registerParameter('w', new Parameter(ones([4])));
 *   private readonly cache = new WeightCache();
 *   protected override clearWeightCache(): void { this.cache.clear(); }
 *   forward(x: Tensor): Tensor {
 *     const fold = (): Tensor[] => [exp(this.w.data)];
 *     const [e] = this.weightCaching ? this.cache.get([this.w.data], fold) : fold();
 *     return mul(x, e!); // x: [B, 4] -> [B, 4]
 *   }
 * }
 * ```
 */
export class WeightCache<T extends Tensor[] | { tensors: Tensor[] } = Tensor[]> {
  private ids: Array<object | null> = [];
  private value: T | null = null;

  /**
   * The cached tensors for `sources` (not to be disposed by the caller), computing them if
   * needed — or, while a gradient tape records (`grad`, `backward`), freshly computed tensors
   * (a cached value would cut the gradient to the weights).
   */
  get(sources: ReadonlyArray<Tensor | null | undefined>, compute: () => T): T {
    if (isRecordingGradients()) return compute();
    const ids = sources.map((s) => (s ? (s.dataId as object) : null));
    if (this.value !== null && ids.length === this.ids.length && ids.every((id, i) => id === this.ids[i])) {
      if (tensorsOf(this.value).every((t) => !t.isDisposed)) return this.value;
    }
    this.clear();
    let value: T | undefined;
    tidy(() => {
      value = compute();
      for (const t of tensorsOf(value)) keep(t);
    });
    this.value = value!;
    this.ids = ids;
    return value!;
  }

  /** Frees the cached tensors. */
  clear(): void {
    if (this.value !== null) for (const t of tensorsOf(this.value)) t.dispose();
    this.value = null;
    this.ids = [];
  }
}

function tensorsOf(v: Tensor[] | { tensors: Tensor[] }): Tensor[] {
  return Array.isArray(v) ? v : v.tensors;
}
