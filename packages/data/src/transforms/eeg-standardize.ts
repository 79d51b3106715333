import { type SignalInput, type SignalOutput, mapRows } from './signal-util.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link exponentialMovingStandardize}. */
export interface ExponentialMovingStandardizeOptions {
  /** Weight of the new sample in the exponential moving mean/variance (default 1e-3). */
  factorNew?: number;
  /** When set, the first `initBlockSize` samples are standardised with their own mean/std. */
  initBlockSize?: number;
  /** Lower bound of the standard deviation (default 1e-4). */
  eps?: number;
}

/**
 * Exponential moving standardisation of each channel, with braindecode's semantics
 * (`braindecode.preprocessing.exponential_moving_standardize`): pandas `ewm(alpha=factorNew)`
 * (adjust=True) mean `m_t`, then `x_t − m_t` divided by `max(eps, sqrt(ewm of (x − m)²))`;
 * optionally the first `initBlockSize` samples use their block mean and (population) std.
 * O(T) per channel, computed in float64.
 *
 * @param signal - `[T]`, channels `[C][T]`, or a tensor `[..., T]`
 * @example `exponentialMovingStandardize(eeg, { factorNew: 1e-3, initBlockSize: 1000 })` // [C, T] → [C, T]
 */
export function exponentialMovingStandardize<S extends SignalInput>(signal: S, opts: ExponentialMovingStandardizeOptions = {}): SignalOutput<S> {
  const alpha = opts.factorNew ?? 1e-3;
  const eps = opts.eps ?? 1e-4;
  const init = opts.initBlockSize;
  if (!(alpha > 0 && alpha <= 1)) throw new ArgumentError('exponentialMovingStandardize', `factorNew must be in (0, 1], got ${alpha}`);
  if (init !== undefined && (!Number.isInteger(init) || init < 1)) {
    throw new ArgumentError('exponentialMovingStandardize', `initBlockSize must be a positive integer, got ${init}`);
  }
  const keep = 1 - alpha;
  return mapRows(signal, 'exponentialMovingStandardize', (x) => {
    const n = x.length;
    const out = new Float64Array(n);
    let num = 0;
    let num2 = 0;
    let den = 0;
    for (let t = 0; t < n; t++) {
      den = 1 + keep * den;
      num = x[t]! + keep * num;
      const d = x[t]! - num / den;
      num2 = d * d + keep * num2;
      out[t] = d / Math.max(eps, Math.sqrt(num2 / den));
    }
    if (init !== undefined && n > 0) {
      const m = Math.min(init, n);
      let mean = 0;
      for (let t = 0; t < m; t++) mean += x[t]!;
      mean /= m;
      let v = 0;
      for (let t = 0; t < m; t++) v += (x[t]! - mean) ** 2;
      const sd = Math.max(eps, Math.sqrt(v / m));
      for (let t = 0; t < m; t++) out[t] = (x[t]! - mean) / sd;
    }
    return out;
  });
}
