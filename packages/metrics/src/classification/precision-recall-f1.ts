import { MetricInputError } from '../core/errors.js';
import type { MetricInput } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';
import { type ConfusionOptions, ConfusionAccumulator } from './confusion.js';

/**
 * How per-class scores are combined (sklearn's `average`): `'macro'` unweighted mean over
 * classes, `'weighted'` mean weighted by support, `'micro'` from global TP/FP/FN counts,
 * `'binary'` the score of `posLabel` only, `'none'` one score per class.
 */
export type Average = 'macro' | 'micro' | 'weighted' | 'binary' | 'none';

/** Options of {@link precisionRecallF1}, {@link precision}, {@link recall}, {@link f1Score}. */
export interface PrecisionRecallF1Options extends ConfusionOptions {
  /** Default `'macro'`. */
  average?: Average;
  /** Value used when a ratio is 0/0 (sklearn's `zero_division`: 0, 1 or NaN); default 0. NaN entries are left out of averages. */
  zeroDivision?: number;
  /** Positive class for `average: 'binary'`; default 1. */
  posLabel?: number;
  /** F-beta's beta (recall weighted beta times as much as precision); default 1. */
  beta?: number;
}

/** Averaged scores (every `average` except `'none'`). */
export interface PrecisionRecallF1Result {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples per class 0..K-1. */
  support: number[];
}

/** Per-class scores (`average: 'none'`), indexed by class 0..K-1. */
export interface PerClassPrecisionRecallF1 {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

function divide(a: number, b: number, zd: number): number {
  return b === 0 ? zd : a / b;
}

function fScore(tp: number, fp: number, fn: number, beta2: number, zd: number): number {
  // sklearn >= 1.3: F = (1+b²)tp / ((1+b²)tp + b²fn + fp), zero_division when the denominator is 0.
  return divide((1 + beta2) * tp, (1 + beta2) * tp + beta2 * fn + fp, zd);
}

function nanMean(values: number[], weights?: number[]): number {
  let s = 0;
  let w = 0;
  values.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    const wi = weights ? weights[i]! : 1;
    s += v * wi;
    w += wi;
  });
  return w === 0 ? (values.length && values.every(Number.isNaN) ? Number.NaN : 0) : s / w;
}

/** Precision, recall and F-beta from accumulated confusion counts. */
export function prfFromConfusion(acc: ConfusionAccumulator, opts: PrecisionRecallF1Options, metric: string): PrecisionRecallF1Result | PerClassPrecisionRecallF1 {
  const k = acc.size;
  const c = acc.counts;
  const zd = opts.zeroDivision ?? 0;
  const beta = opts.beta ?? 1;
  const beta2 = beta * beta;
  const average = opts.average ?? 'macro';
  const tp: number[] = [];
  const predSum: number[] = [];
  const trueSum: number[] = [];
  for (let i = 0; i < k; i++) {
    let ps = 0;
    let ts = 0;
    for (let j = 0; j < k; j++) {
      ps += c[j * k + i]!;
      ts += c[i * k + j]!;
    }
    tp.push(c[i * k + i]!);
    predSum.push(ps);
    trueSum.push(ts);
  }
  const perClass = (i: number): [number, number, number] => {
    const p = divide(tp[i]!, predSum[i]!, zd);
    const r = divide(tp[i]!, trueSum[i]!, zd);
    return [p, r, fScore(tp[i]!, predSum[i]! - tp[i]!, trueSum[i]! - tp[i]!, beta2, zd)];
  };
  if (average === 'none') {
    const rows = Array.from({ length: k }, (_, i) => perClass(i));
    return { precision: rows.map((r) => r[0]), recall: rows.map((r) => r[1]), f1: rows.map((r) => r[2]), support: trueSum };
  }
  if (average === 'binary') {
    const pos = opts.posLabel ?? 1;
    const present = acc.activeClasses();
    if (present.some((cl) => cl > 1) || pos > 1) {
      throw new MetricInputError(metric, "binary labels 0/1 for average 'binary'", `classes [${present.join(', ')}]; use average 'macro', 'micro' or 'weighted'`);
    }
    if (pos >= k) return { precision: zd, recall: zd, f1: zd, support: trueSum };
    const [p, r, f] = perClass(pos);
    return { precision: p, recall: r, f1: f, support: trueSum };
  }
  const active = acc.activeClasses();
  if (average === 'micro') {
    let t = 0;
    let ps = 0;
    let ts = 0;
    for (const i of active) {
      t += tp[i]!;
      ps += predSum[i]!;
      ts += trueSum[i]!;
    }
    const p = divide(t, ps, zd);
    const r = divide(t, ts, zd);
    return { precision: p, recall: r, f1: fScore(t, ps - t, ts - t, beta2, zd), support: trueSum };
  }
  if (average !== 'macro' && average !== 'weighted') {
    throw new MetricInputError(metric, "average 'macro', 'micro', 'weighted', 'binary' or 'none'", String(average));
  }
  const rows = active.map(perClass);
  const weights = average === 'weighted' ? active.map((i) => trueSum[i]!) : undefined;
  if (weights && weights.every((w) => w === 0)) return { precision: zd, recall: zd, f1: zd, support: trueSum };
  return {
    precision: nanMean(rows.map((r) => r[0]), weights),
    recall: nanMean(rows.map((r) => r[1]), weights),
    f1: nanMean(rows.map((r) => r[2]), weights),
    support: trueSum,
  };
}

/**
 * Precision, recall and F1 (sklearn's `precision_recall_fscore_support`), argument order
 * (outputs, labels). `outputs`: `[N, C]` scores, `[N]`/`[N, 1]` binary scores or `[N]` class
 * indices; `labels`: `[N]`.
 *
 * @example
 * ```ts
 * precisionRecallF1([0, 1, 1, 2], [0, 1, 2, 2], { average: 'macro' }).f1; // 0.7777…
 * precisionRecallF1(logits, labels, { average: 'none', numClasses: 3 }).f1; // [f0, f1, f2]
 * ```
 */
export function precisionRecallF1(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options & { average: 'none' }): PerClassPrecisionRecallF1;
export function precisionRecallF1(outputs: MetricInput, labels: MetricInput, opts?: PrecisionRecallF1Options): PrecisionRecallF1Result;
export function precisionRecallF1(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options = {}): PrecisionRecallF1Result | PerClassPrecisionRecallF1 {
  const acc = new ConfusionAccumulator(opts, 'precisionRecallF1');
  acc.add(outputs, labels);
  return prfFromConfusion(acc, opts, 'precisionRecallF1');
}

type Which = 'precision' | 'recall' | 'f1';

function pick(which: Which, outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options): number | number[] {
  const acc = new ConfusionAccumulator(opts, which);
  acc.add(outputs, labels);
  return prfFromConfusion(acc, opts, which)[which];
}

/**
 * Precision tp / (tp + fp), averaged as `opts.average` says (default `'macro'`).
 *
 * @example
 * ```ts
 * precision([0, 1, 1], [0, 1, 0], { average: 'micro' }); // 0.666…
 * ```
 */
export function precision(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options & { average: 'none' }): number[];
export function precision(outputs: MetricInput, labels: MetricInput, opts?: PrecisionRecallF1Options): number;
export function precision(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options = {}): number | number[] {
  return pick('precision', outputs, labels, opts);
}

/**
 * Recall tp / (tp + fn), averaged as `opts.average` says (default `'macro'`).
 *
 * @example
 * ```ts
 * recall([0, 1, 1], [0, 1, 0], { average: 'macro' }); // 0.75
 * ```
 */
export function recall(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options & { average: 'none' }): number[];
export function recall(outputs: MetricInput, labels: MetricInput, opts?: PrecisionRecallF1Options): number;
export function recall(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options = {}): number | number[] {
  return pick('recall', outputs, labels, opts);
}

/**
 * F1 (F-beta with `opts.beta`), averaged as `opts.average` says (default `'macro'`).
 *
 * @example
 * ```ts
 * f1Score(logits, labels, { average: 'weighted' }); // logits: [N, C], labels: [N]
 * ```
 */
export function f1Score(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options & { average: 'none' }): number[];
export function f1Score(outputs: MetricInput, labels: MetricInput, opts?: PrecisionRecallF1Options): number;
export function f1Score(outputs: MetricInput, labels: MetricInput, opts: PrecisionRecallF1Options = {}): number | number[] {
  return pick('f1', outputs, labels, opts);
}

class PrfMetric implements Metric<number> {
  readonly name: string;
  private readonly acc: ConfusionAccumulator;
  constructor(
    private readonly which: Which,
    private readonly opts: PrecisionRecallF1Options & { average?: Exclude<Average, 'none'>; name?: string },
  ) {
    this.name = opts.name ?? `${which}_${opts.average ?? 'macro'}`;
    this.acc = new ConfusionAccumulator(opts, this.name);
  }
  update(outputs: MetricInput, labels: MetricInput): void {
    this.acc.add(outputs, labels);
  }
  compute(): number {
    return prfFromConfusion(this.acc, this.opts, this.name)[this.which] as number;
  }
  reset(): void {
    this.acc.reset();
  }
}

/** Options of the streaming {@link Precision}, {@link Recall}, {@link F1Score} (an averaged `average`). */
export type StreamingPrfOptions = PrecisionRecallF1Options & { average?: Exclude<Average, 'none'>; name?: string };

/**
 * Streaming precision over every batch since the last reset; name `precision_<average>`.
 *
 * @example
 * ```ts
 * const p = new Precision({ average: 'macro', numClasses: 3 });
 * p.update(logits, labels); p.compute();
 * ```
 */
export class Precision extends PrfMetric {
  constructor(opts: StreamingPrfOptions = {}) {
    super('precision', opts);
  }
}

/**
 * Streaming recall over every batch since the last reset; name `recall_<average>`.
 *
 * @example
 * ```ts
 * const r = new Recall({ average: 'weighted' });
 * r.update(logits, labels); r.compute();
 * ```
 */
export class Recall extends PrfMetric {
  constructor(opts: StreamingPrfOptions = {}) {
    super('recall', opts);
  }
}

/**
 * Streaming F1 over every batch since the last reset; name `f1_<average>`.
 *
 * @example
 * ```ts
 * const f1 = new F1Score({ average: 'macro' });
 * f1.update(logits, labels); f1.compute();
 * ```
 */
export class F1Score extends PrfMetric {
  constructor(opts: StreamingPrfOptions = {}) {
    super('f1', opts);
  }
}
