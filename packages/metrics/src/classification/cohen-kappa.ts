import type { MetricInput } from '../core/inputs.js';
import type { Metric } from '../core/metric.js';
import { type ConfusionOptions, ConfusionAccumulator } from './confusion.js';

/** Options of {@link cohenKappa} and {@link CohenKappa}. */
export interface CohenKappaOptions extends ConfusionOptions {
  /** Disagreement weights (sklearn's `weights`): none, `'linear'` |i-j| or `'quadratic'` (i-j)². */
  weights?: 'linear' | 'quadratic';
}

/** Cohen's kappa from accumulated confusion counts (sklearn's `cohen_kappa_score`). */
export function kappaFromConfusion(acc: ConfusionAccumulator, weights: CohenKappaOptions['weights']): number {
  const cls = acc.activeClasses();
  const k = acc.size;
  const n = cls.length;
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(n);
  let total = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const v = acc.counts[cls[a]! * k + cls[b]!]!;
      rowSum[a]! += v;
      colSum[b]! += v;
      total += v;
    }
  }
  let observed = 0;
  let expected = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      // Weights use positions in the class list, as sklearn does.
      const w = weights === 'linear' ? Math.abs(a - b) : weights === 'quadratic' ? (a - b) ** 2 : a === b ? 0 : 1;
      observed += w * acc.counts[cls[a]! * k + cls[b]!]!;
      expected += (w * rowSum[a]! * colSum[b]!) / total;
    }
  }
  return 1 - observed / expected;
}

/**
 * Cohen's kappa: agreement between predictions and labels corrected for chance,
 * (p_o - p_e) / (1 - p_e) — the BCI competition IV metric. NaN when chance agreement is 1.
 *
 * @example
 * ```ts
 * cohenKappa([0, 1, 1, 0], [0, 1, 0, 0]); // 0.5
 * cohenKappa(logits, labels, { numClasses: 4 }); // logits: [N, 4], labels: [N]
 * ```
 */
export function cohenKappa(outputs: MetricInput, labels: MetricInput, opts: CohenKappaOptions = {}): number {
  const acc = new ConfusionAccumulator(opts, 'cohenKappa');
  acc.add(outputs, labels);
  return kappaFromConfusion(acc, opts.weights);
}

/**
 * Streaming Cohen's kappa over every batch since the last reset.
 *
 * @example
 * ```ts
 * const kappa = new CohenKappa({ numClasses: 4 });
 * kappa.update(logits, labels); kappa.compute();
 * ```
 */
export class CohenKappa implements Metric<number> {
  readonly name: string;
  private readonly acc: ConfusionAccumulator;
  constructor(private readonly opts: CohenKappaOptions & { name?: string } = {}) {
    this.name = opts.name ?? 'kappa';
    this.acc = new ConfusionAccumulator(opts, this.name);
  }
  /** Adds one batch. */
  update(outputs: MetricInput, labels: MetricInput): void {
    this.acc.add(outputs, labels);
  }
  /** Kappa over everything seen. */
  compute(): number {
    return kappaFromConfusion(this.acc, this.opts.weights);
  }
  /** Clears the counts. */
  reset(): void {
    this.acc.reset();
  }
}
