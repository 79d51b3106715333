import { MetricInputError } from '../core/errors.js';
import { type MetricInput, type PredictionOptions, checkSameLength, toLabels, toPredictions } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';

/** Options shared by the metrics built on a confusion matrix. */
export interface ConfusionOptions extends PredictionOptions {
  /**
   * Number of classes K. When given, the matrix is K × K and averages run over every class
   * 0..K-1 (sklearn's `labels=range(K)`). When omitted, K is inferred (largest index + 1, or
   * C of `[N, C]` outputs) and averages run over the classes present in labels or predictions
   * (sklearn's default).
   */
  numClasses?: number;
}

/**
 * Running confusion counts, rows = true class, columns = predicted class (sklearn layout).
 * The building block of every confusion-based metric; grows when `numClasses` is not fixed.
 *
 * @example
 * ```ts
 * const acc = new ConfusionAccumulator({ numClasses: 3 }, 'my_metric');
 * acc.add(logits, labels); // logits: [N, 3], labels: [N]
 * acc.activeClasses(); // [0, 1, 2]
 * ```
 */
export class ConfusionAccumulator {
  /** Row-major K × K counts. */
  counts: Float64Array;
  /** Current matrix size K. */
  size: number;
  constructor(
    private readonly opts: ConfusionOptions,
    private readonly metric: string,
  ) {
    const k = opts.numClasses ?? 0;
    if (opts.numClasses !== undefined && (!Number.isInteger(k) || k < 1)) {
      throw new MetricInputError(metric, 'numClasses a positive integer', String(opts.numClasses));
    }
    this.size = k;
    this.counts = new Float64Array(k * k);
  }

  private grow(k: number): void {
    if (k <= this.size) return;
    const next = new Float64Array(k * k);
    for (let i = 0; i < this.size; i++) for (let j = 0; j < this.size; j++) next[i * k + j] = this.counts[i * this.size + j]!;
    this.counts = next;
    this.size = k;
  }

  /** Adds one batch of model outputs and labels. */
  add(outputs: MetricInput, labels: MetricInput): void {
    const { pred, impliedClasses } = toPredictions(outputs, this.opts, this.metric);
    const y = toLabels(labels, this.metric);
    checkSameLength(pred, y, this.metric);
    let max = -1;
    for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]!, pred[i]!);
    const fixed = this.opts.numClasses;
    if (fixed !== undefined) {
      if (max >= fixed) throw new MetricInputError(this.metric, `class indices < numClasses=${fixed}`, `class ${max}`);
    } else {
      this.grow(Math.max(max + 1, impliedClasses));
    }
    const k = this.size;
    for (let i = 0; i < y.length; i++) this.counts[y[i]! * k + pred[i]!]! += 1;
  }

  /** Classes that averages run over: all 0..K-1 when numClasses was given, else those present. */
  activeClasses(): number[] {
    const k = this.size;
    const out: number[] = [];
    for (let c = 0; c < k; c++) {
      if (this.opts.numClasses !== undefined) {
        out.push(c);
        continue;
      }
      let s = 0;
      for (let j = 0; j < k; j++) s += this.counts[c * k + j]! + this.counts[j * k + c]!;
      if (s > 0) out.push(c);
    }
    return out;
  }

  /** The counts as K rows of K numbers. */
  toRows(): number[][] {
    const k = this.size;
    return Array.from({ length: k }, (_, i) => Array.from(this.counts.subarray(i * k, (i + 1) * k)));
  }

  /** Forgets every sample (keeps numClasses when fixed). */
  reset(): void {
    const k = this.opts.numClasses ?? 0;
    this.size = k;
    this.counts = new Float64Array(k * k);
  }
}

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions extends ConfusionOptions {
  /** Normalise over true rows, predicted columns or everything (sklearn's `normalize`); 0/0 gives 0. */
  normalize?: 'true' | 'pred' | 'all';
}

/** Applies sklearn's `normalize` to a matrix of counts. */
export function normalizeMatrix(rows: number[][], normalize: 'true' | 'pred' | 'all' | undefined): number[][] {
  if (!normalize) return rows;
  const k = rows.length;
  const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  if (normalize === 'all') {
    let t = 0;
    for (const r of rows) for (const v of r) t += v;
    return rows.map((r) => r.map((v) => div(v, t)));
  }
  if (normalize === 'true') return rows.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => div(v, s)); });
  const colSums = Array.from({ length: k }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0));
  return rows.map((r) => r.map((v, j) => div(v, colSums[j]!)));
}

/**
 * Confusion matrix `[K, K]`: entry (i, j) counts samples of true class i predicted as j
 * (sklearn's `confusion_matrix(y_true, y_pred)`). Argument order is (outputs, labels).
 *
 * @example
 * ```ts
 * confusionMatrix([0, 2, 1, 2], [0, 1, 1, 2], { numClasses: 3 });
 * // [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
 * ```
 */
export function confusionMatrix(outputs: MetricInput, labels: MetricInput, opts: ConfusionMatrixOptions = {}): number[][] {
  const acc = new ConfusionAccumulator(opts, 'confusionMatrix');
  acc.add(outputs, labels);
  return normalizeMatrix(acc.toRows(), opts.normalize);
}

/**
 * Streaming confusion matrix (rows = true class, columns = predicted class).
 *
 * @example
 * ```ts
 * const cm = new ConfusionMatrix({ numClasses: 3 });
 * cm.update(logits, labels); // logits: [B, 3], labels: [B]
 * cm.compute(); // number[3][3]
 * ```
 */
export class ConfusionMatrix implements Metric<number[][]> {
  readonly name: string;
  private readonly acc: ConfusionAccumulator;
  constructor(private readonly opts: ConfusionMatrixOptions & { name?: string } = {}) {
    this.name = opts.name ?? 'confusion_matrix';
    this.acc = new ConfusionAccumulator(opts, this.name);
  }
  /** Adds one batch. */
  update(outputs: MetricInput, labels: MetricInput): void {
    this.acc.add(outputs, labels);
  }
  /** The (optionally normalised) matrix over everything seen. */
  compute(): number[][] {
    return normalizeMatrix(this.acc.toRows(), this.opts.normalize);
  }
  /** Clears the counts. */
  reset(): void {
    this.acc.reset();
  }
}
