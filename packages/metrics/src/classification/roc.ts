import { MetricInputError } from '../core/errors.js';
import { type MetricInput, checkSameLength, toLabels, toMatrix } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';

/** Points of a ROC curve (sklearn's `roc_curve`), thresholds decreasing, first threshold +Infinity. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/** Options of {@link rocCurve}, {@link rocAuc} and {@link RocAuc}. */
export interface RocOptions {
  /** Label of the positive class; default 1. Every other label is negative. */
  posLabel?: number;
  /** Drop points on straight segments (sklearn's `drop_intermediate`); default true. Does not change the AUC. */
  dropIntermediate?: boolean;
  /** For `[N, C>2]` scores: one-vs-rest AUC per class averaged `'macro'` (default) or `'weighted'` by support. */
  average?: 'macro' | 'weighted';
}

/** ROC curve of binary scores and 0/1 targets (targets: 1 = positive). */
function curve(scores: ArrayLike<number>, positive: Uint8Array, dropIntermediate: boolean, metric: string): RocCurve {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) throw new MetricInputError(metric, 'finite scores', `NaN at index ${i}`);
  }
  order.sort((a, b) => scores[b]! - scores[a]!);
  const tps: number[] = [];
  const fps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (positive[i]) tp++;
    else fp++;
    const next = order[r + 1];
    if (next === undefined || scores[next]! !== scores[i]!) {
      tps.push(tp);
      fps.push(fp);
      thr.push(scores[i]!);
    }
  }
  let keep = tps.map((_, i) => i);
  if (dropIntermediate && tps.length > 2) {
    keep = keep.filter((i) => {
      if (i === 0 || i === tps.length - 1) return true;
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      return d2f !== 0 || d2t !== 0;
    });
  }
  const P = tp;
  const N = fp;
  const fpr = [0, ...keep.map((i) => (N > 0 ? fps[i]! / N : Number.NaN))];
  const tpr = [0, ...keep.map((i) => (P > 0 ? tps[i]! / P : Number.NaN))];
  return { fpr, tpr, thresholds: [Number.POSITIVE_INFINITY, ...keep.map((i) => thr[i]!)] };
}

function trapezoid(x: number[], y: number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

function positives(y: Int32Array, posLabel: number): Uint8Array {
  return Uint8Array.from(y, (v) => (v === posLabel ? 1 : 0));
}

function binaryScores(outputs: MetricInput, metric: string): { data: ArrayLike<number>; rows: number; cols: number } {
  const m = toMatrix(outputs, metric, 'scores');
  return { data: m.data, rows: m.rows, cols: m.cols };
}

function column(m: { data: ArrayLike<number>; rows: number; cols: number }, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j]!;
  return out;
}

/**
 * ROC curve of a binary classifier (sklearn's `roc_curve`, ties handled the same way: one
 * point per distinct score). `scores`: `[N]`, `[N, 1]` or `[N, 2]` (column 1 = positive
 * class); `labels`: `[N]` with `posLabel` (default 1) as the positive class.
 *
 * @example
 * ```ts
 * rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] }
 * ```
 */
export function rocCurve(scores: MetricInput, labels: MetricInput, opts: RocOptions = {}): RocCurve {
  const m = binaryScores(scores, 'rocCurve');
  if (m.cols > 2) throw new MetricInputError('rocCurve', 'binary scores [N], [N, 1] or [N, 2]', `[${m.rows}, ${m.cols}]`);
  const s = m.cols === 2 ? column(m, 1) : m.data;
  const y = toLabels(labels, 'rocCurve');
  checkSameLength(s, y, 'rocCurve');
  return curve(s, positives(y, opts.posLabel ?? 1), opts.dropIntermediate ?? true, 'rocCurve');
}

function binaryAuc(s: ArrayLike<number>, pos: Uint8Array, metric: string): number {
  let p = 0;
  for (const v of pos) p += v;
  if (p === 0 || p === pos.length) {
    throw new MetricInputError(metric, 'both classes among the labels (ROC AUC is undefined otherwise)', `only ${p === 0 ? 'negatives' : 'positives'} in ${pos.length} samples`);
  }
  const c = curve(s, pos, true, metric);
  return trapezoid(c.fpr, c.tpr);
}

/**
 * Area under the ROC curve (sklearn's `roc_auc_score`, trapezoidal). Binary: `scores` `[N]`,
 * `[N, 1]` or `[N, 2]`; multi-class `[N, C>2]`: one-vs-rest, averaged per `opts.average`.
 * Throws when the labels hold only one class, as sklearn does.
 *
 * @example
 * ```ts
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 * ```
 */
export function rocAuc(scores: MetricInput, labels: MetricInput, opts: RocOptions = {}): number {
  return aucOf(binaryScores(scores, 'rocAuc'), toLabels(labels, 'rocAuc'), opts, 'rocAuc');
}

function aucOf(m: { data: ArrayLike<number>; rows: number; cols: number }, y: Int32Array, opts: RocOptions, metric: string): number {
  checkSameLength({ length: m.rows }, y, metric);
  if (m.cols <= 2) {
    const s = m.cols === 2 ? column(m, 1) : m.data;
    return binaryAuc(s, positives(y, opts.posLabel ?? 1), metric);
  }
  let sum = 0;
  let wsum = 0;
  for (let c = 0; c < m.cols; c++) {
    const pos = positives(y, c);
    let support = 0;
    for (const v of pos) support += v;
    const w = opts.average === 'weighted' ? support : 1;
    sum += w * binaryAuc(column(m, c), pos, metric);
    wsum += w;
  }
  return sum / wsum;
}

/**
 * Streaming ROC AUC: keeps every score and label since the last reset (exact AUC needs
 * them all) and computes {@link rocAuc} over them.
 *
 * @example
 * ```ts
 * const auc = new RocAuc();
 * auc.update(probs, labels); // probs: [B] or [B, 2], labels: [B]
 * auc.compute();
 * ```
 */
export class RocAuc implements Metric<number> {
  readonly name: string;
  private scores: number[] = [];
  private labels: number[] = [];
  private cols = -1;
  constructor(private readonly opts: RocOptions & { name?: string } = {}) {
    this.name = opts.name ?? 'roc_auc';
  }
  /** Adds one batch of scores `[B]` / `[B, C]` and labels `[B]`. */
  update(scores: MetricInput, labels: MetricInput): void {
    const m = binaryScores(scores, this.name);
    const y = toLabels(labels, this.name);
    checkSameLength({ length: m.rows }, y, this.name);
    const cols = m.cols;
    if (this.cols !== -1 && cols !== this.cols) {
      throw new MetricInputError(this.name, `scores with ${this.cols} columns like the earlier batches`, `${cols} columns`);
    }
    this.cols = cols;
    for (let i = 0; i < m.data.length; i++) this.scores.push(m.data[i]!);
    for (const v of y) this.labels.push(v);
  }
  /** AUC over everything seen (throws when the labels hold only one class). */
  compute(): number {
    return aucOf({ data: this.scores, rows: this.labels.length, cols: Math.max(this.cols, 0) }, Int32Array.from(this.labels), this.opts, this.name);
  }
  /** Forgets the stored scores. */
  reset(): void {
    this.scores = [];
    this.labels = [];
    this.cols = -1;
  }
}
