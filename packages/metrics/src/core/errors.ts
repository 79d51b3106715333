import { ArgumentError } from '@nnkit/tensor';

/**
 * Raised when a metric receives inputs it cannot interpret (wrong rank, mismatched lengths,
 * non-integer labels, class index out of range). The message names the metric, what was
 * expected and what was received.
 *
 * @example
 * ```ts
 * try { accuracy([[0.1, 0.9]], [0, 1]); } catch (e) { if (e instanceof MetricInputError) console.log(e.message); }
 * ```
 */
export class MetricInputError extends ArgumentError {
  constructor(
    /** Name of the metric that rejected the input (e.g. `accuracy`). */
    readonly metric: string,
    /** What the metric expected. */
    readonly expected: string,
    /** What it received. */
    readonly got: string,
  ) {
    super(metric, `expected ${expected}, got ${got}`);
  }
}
