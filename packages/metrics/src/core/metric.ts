import type { MetricInput } from './inputs.js';

/**
 * A streaming metric: feed it batches with `update`, read the result over everything seen
 * since the last `reset` with `compute`.
 *
 * @example
 * ```ts
 * const acc = new Accuracy();
 * for (const [x, y] of batches) acc.update(model.call(x), y);
 * console.log(acc.name, acc.compute());
 * acc.reset();
 * ```
 */
export interface Metric<T = number> {
  /** Short name used as a key in logs and histories (e.g. `accuracy`, `f1_macro`). */
  readonly name: string;
  /** Accumulates one batch: `outputs` `[N, C]` / `[N]`, `labels` `[N]` (or one-hot `[N, C]`). */
  update(outputs: MetricInput, labels: MetricInput): void;
  /** The metric over every batch since the last reset. */
  compute(): T;
  /** Forgets every batch seen so far. */
  reset(): void;
}
