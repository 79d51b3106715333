import type { MetricInput } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * Several metrics fed the same batches; `compute()` returns `{ [metric.name]: value }`.
 *
 * @example
 * ```ts
 * const metrics = new MetricCollection([new Accuracy(), new F1Score({ average: 'macro' }), new CohenKappa()]);
 * metrics.update(logits, labels); // logits: [B, C], labels: [B]
 * metrics.compute(); // { accuracy: 0.9, f1_macro: 0.88, kappa: 0.85 }
 * ```
 */
export class MetricCollection implements Metric<Record<string, unknown>> {
  readonly name = 'metrics';
  /** The metrics, in the order given. */
  readonly metrics: readonly Metric<unknown>[];
  constructor(metrics: ReadonlyArray<Metric<unknown>>) {
    const seen = new Set<string>();
    for (const m of metrics) {
      if (seen.has(m.name)) throw new ArgumentError('MetricCollection', `two metrics named '${m.name}'; pass a distinct { name } to one of them`);
      seen.add(m.name);
    }
    this.metrics = [...metrics];
  }
  /** Feeds one batch to every metric. */
  update(outputs: MetricInput, labels: MetricInput): void {
    for (const m of this.metrics) m.update(outputs, labels);
  }
  /** Every metric's value by name. */
  compute(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const m of this.metrics) out[m.name] = m.compute();
    return out;
  }
  /** Resets every metric. */
  reset(): void {
    for (const m of this.metrics) m.reset();
  }
}
