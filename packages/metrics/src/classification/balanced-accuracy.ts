import type { MetricInput } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';
import { type ConfusionOptions, ConfusionAccumulator } from './confusion.js';

/** Options of {@link balancedAccuracy} and {@link BalancedAccuracy}. */
export interface BalancedAccuracyOptions extends ConfusionOptions {
  /** Rescale so that chance is 0 and perfect is 1 (sklearn's `adjusted`). */
  adjusted?: boolean;
}

/** Balanced accuracy from accumulated confusion counts (sklearn's `balanced_accuracy_score`). */
export function balancedAccuracyFromConfusion(acc: ConfusionAccumulator, adjusted = false): number {
  const k = acc.size;
  const recalls: number[] = [];
  for (const c of acc.activeClasses()) {
    let support = 0;
    for (let j = 0; j < k; j++) support += acc.counts[c * k + j]!;
    if (support > 0) recalls.push(acc.counts[c * k + c]! / support); // classes without true samples are skipped
  }
  if (recalls.length === 0) return Number.NaN;
  let score = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  if (adjusted) {
    const chance = 1 / recalls.length;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

/**
 * Balanced accuracy: the mean of per-class recall over the classes that have true samples.
 *
 * @example
 * ```ts
 * balancedAccuracy([0, 0, 0, 1], [0, 0, 1, 1]); // (1 + 0.5) / 2 = 0.75
 * ```
 */
export function balancedAccuracy(outputs: MetricInput, labels: MetricInput, opts: BalancedAccuracyOptions = {}): number {
  const acc = new ConfusionAccumulator(opts, 'balancedAccuracy');
  acc.add(outputs, labels);
  return balancedAccuracyFromConfusion(acc, opts.adjusted);
}

/**
 * Streaming balanced accuracy over every batch since the last reset.
 *
 * @example
 * ```ts
 * const bal = new BalancedAccuracy();
 * bal.update(logits, labels); bal.compute();
 * ```
 */
export class BalancedAccuracy implements Metric<number> {
  readonly name: string;
  private readonly acc: ConfusionAccumulator;
  constructor(private readonly opts: BalancedAccuracyOptions & { name?: string } = {}) {
    this.name = opts.name ?? 'balanced_accuracy';
    this.acc = new ConfusionAccumulator(opts, this.name);
  }
  /** Adds one batch. */
  update(outputs: MetricInput, labels: MetricInput): void {
    this.acc.add(outputs, labels);
  }
  /** Balanced accuracy over everything seen. */
  compute(): number {
    return balancedAccuracyFromConfusion(this.acc, this.opts.adjusted);
  }
  /** Clears the counts. */
  reset(): void {
    this.acc.reset();
  }
}
