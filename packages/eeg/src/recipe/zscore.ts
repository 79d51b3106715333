import { ShapeError, ArgumentError } from '@nnkit/tensor';
/** Trials as plain arrays (structurally what `@nnkit/data`'s EEG loaders return). */
export interface TrialArrays {
  /** Row-major `[N, C, T]` samples. */
  data: Float32Array;
  /** `[N, C, T]`: trials, channels, time. */
  shape: readonly [number, number, number];
  /** Class index (0-based) per trial, length N. */
  labels: Int32Array | readonly number[];
}

/** Per-channel mean and (population) standard deviation, fitted by {@link fitChannelZScore}. */
export interface ChannelZScore {
  mean: Float64Array;
  std: Float64Array;
}

/**
 * Fits a z-score per channel over all trials and time samples of `data: [N, C, T]` (like
 * scikit-learn's `StandardScaler` on the `(N·T, C)` matrix; population std, 1 for a flat channel).
 *
 * @example
 * ```ts
 * const z = fitChannelZScore(train.data, train.shape);
 * const xs = applyChannelZScore(test.data, test.shape, z);
 * ```
 */
export function fitChannelZScore(data: Float32Array, shape: readonly [number, number, number]): ChannelZScore {
  const [n, c, t] = shape;
  if (data.length !== n * c * t) throw new ArgumentError('fitChannelZScore', `data has ${data.length} values, shape [${shape.join(', ')}] needs ${n * c * t}`);
  const mean = new Float64Array(c);
  const std = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let k = (i * c + ch) * t, e = k + t; k < e; k++) s += data[k]!;
    const m = s / (n * t);
    let v = 0;
    for (let i = 0; i < n; i++) {
      for (let k = (i * c + ch) * t, e = k + t; k < e; k++) {
        const d = data[k]! - m;
        v += d * d;
      }
    }
    mean[ch] = m;
    const sd = Math.sqrt(v / (n * t));
    std[ch] = sd > 0 ? sd : 1;
  }
  return { mean, std };
}

/**
 * Applies a fitted per-channel z-score to `data: [N, C, T]`; returns a new array.
 * @example
 * ```ts
 * const xs = applyChannelZScore(test.data, test.shape, fitChannelZScore(train.data, train.shape));
 * ```
 */
export function applyChannelZScore(data: Float32Array, shape: readonly [number, number, number], z: ChannelZScore): Float32Array {
  const [n, c, t] = shape;
  if (z.mean.length !== c) throw new ShapeError('applyChannelZScore', `[N, ${z.mean.length}, T] (fitted on ${z.mean.length} channels, data has ${c})`, shape, 'data');
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const m = z.mean[ch]!;
      const s = z.std[ch]!;
      for (let k = (i * c + ch) * t, e = k + t; k < e; k++) out[k] = (data[k]! - m) / s;
    }
  }
  return out;
}
