import { MetricInputError } from '../core/errors.js';
import { type MetricInput, type PredictionOptions, checkSameLength, toLabels, toMatrix, toPredictions } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';

/** Options of {@link accuracy} and {@link Accuracy}. */
export interface AccuracyOptions extends PredictionOptions {
  /** Counts a sample as correct when its label is among the `topK` highest scores (needs `[N, C]` outputs); default 1. */
  topK?: number;
}

/** Correct and total counts of one batch. */
interface Counts {
  correct: number;
  total: number;
}

function countCorrect(outputs: MetricInput, labels: MetricInput, opts: AccuracyOptions, metric: string): Counts {
  const y = toLabels(labels, metric);
  const k = opts.topK ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new MetricInputError(metric, 'topK a positive integer', String(k));
  if (k === 1) {
    const { pred } = toPredictions(outputs, opts, metric);
    checkSameLength(pred, y, metric);
    let correct = 0;
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) correct++;
    return { correct, total: y.length };
  }
  const m = toMatrix(outputs, metric, 'outputs');
  if (m.cols < 2) throw new MetricInputError(metric, `outputs [N, C] for topK=${k}`, `shape [${m.rows}${m.cols ? `, ${m.cols}` : ''}]`);
  checkSameLength({ length: m.rows }, y, metric);
  let correct = 0;
  for (let i = 0; i < m.rows; i++) {
    const label = y[i]!;
    if (label >= m.cols) throw new MetricInputError(metric, `labels < ${m.cols} (number of output columns)`, `${label} at index ${i}`);
    const s = m.data[i * m.cols + label]!;
    let above = 0;
    for (let j = 0; j < m.cols; j++) if (m.data[i * m.cols + j]! > s) above++;
    if (above < k) correct++;
  }
  return { correct, total: m.rows };
}

/**
 * Fraction of samples whose predicted class equals the label.
 *
 * `outputs`: `[N, C]` logits or probabilities (argmax), `[N, 1]` / `[N]` binary scores
 * (`inputType: 'logits'` thresholds at 0, `'probs'` at 0.5), or `[N]` class indices.
 * `labels`: `[N]` class indices (or one-hot `[N, C]`). Returns NaN for empty input.
 *
 * @example
 * ```ts
 * accuracy([[2, 1], [0, 3]], [0, 0]); // 0.5
 * accuracy([0.2, 0.7], [0, 1], { inputType: 'probs' }); // 1
 * ```
 */
export function accuracy(outputs: MetricInput, labels: MetricInput, opts: AccuracyOptions = {}): number {
  const { correct, total } = countCorrect(outputs, labels, opts, 'accuracy');
  return total === 0 ? Number.NaN : correct / total;
}

/**
 * Streaming accuracy: correct / total over every batch since the last reset.
 *
 * @example
 * ```ts
 * const acc = new Accuracy({ topK: 1 });
 * acc.update(logits, labels); // logits: [B, C], labels: [B]
 * acc.compute();
 * ```
 */
export class Accuracy implements Metric<number> {
  readonly name: string;
  private correct = 0;
  private total = 0;
  constructor(private readonly opts: AccuracyOptions & { name?: string } = {}) {
    this.name = opts.name ?? ((opts.topK ?? 1) > 1 ? `top${opts.topK}_accuracy` : 'accuracy');
  }
  /** Adds one batch: `outputs` `[B, C]` / `[B]`, `labels` `[B]`. */
  update(outputs: MetricInput, labels: MetricInput): void {
    const c = countCorrect(outputs, labels, this.opts, this.name);
    this.correct += c.correct;
    this.total += c.total;
  }
  /** Correct / total (NaN before any sample). */
  compute(): number {
    return this.total === 0 ? Number.NaN : this.correct / this.total;
  }
  /** Clears the counts. */
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
  /** Samples seen since the last reset. */
  get count(): number {
    return this.total;
  }
}
