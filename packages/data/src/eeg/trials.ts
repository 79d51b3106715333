import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

/** Trials cut from EEG recordings: plain typed arrays, ready for a TensorDataset. */
export interface EegTrials {
  /** Row-major `(N, C, T)` samples (physical units, e.g. µV). */
  data: Float32Array;
  /** `[N, C, T]`: trials, channels, time samples. */
  shape: [number, number, number];
  /** Class index per trial (0-based). */
  labels: Int32Array;
  /** Samples per second. */
  sampleRate: number;
  /** Channel labels (length C). */
  channels: string[];
  /** Time of each sample relative to the event (s, length T). */
  times: Float32Array;
}

/** Options of {@link trialsToTensors}. */
export interface TrialsToTensorsOptions {
  /** Insert a singleton dimension: `(N, 1, C, T)` as EEGNet-style Conv2d models expect. */
  addChannelDim?: boolean;
}

/**
 * Builds tensors from {@link EegTrials}: `x: [N, C, T]` (or `[N, 1, C, T]`) float32 and
 * `y: [N]` int32 — e.g. to wrap in a TensorDataset. The caller owns (and disposes) both.
 *
 * @example
 * ```ts
 * const { x, y } = trialsToTensors(await loadBCICIV2b({ subject: 1 }), { addChannelDim: true });
 * x.shape; // [360, 1, 3, 1000]
 * ```
 */
export function trialsToTensors(t: EegTrials, opts: TrialsToTensorsOptions = {}): { x: Tensor; y: Tensor } {
  const [n, c, s] = t.shape;
  const shape = opts.addChannelDim ? [n, 1, c, s] : [n, c, s];
  return { x: tensor(t.data, shape, 'float32'), y: tensor(t.labels, [n], 'int32') };
}

/**
 * Concatenates trial sets with the same channels and length along N.
 *
 * @example
 * ```ts
 * const all = concatTrials([run4, run8, run12]);
 * ```
 */
export function concatTrials(parts: readonly EegTrials[]): EegTrials {
  const first = parts[0];
  if (!first) throw new ArgumentError('concatTrials', 'no trial sets given');
  const [, c, s] = first.shape;
  for (const p of parts) {
    if (p.shape[1] !== c || p.shape[2] !== s) {
      throw new ShapeError('concatTrials', `[N, ${c}, ${s}] (as the first trial set)`, `[N, ${p.shape[1]}, ${p.shape[2]}]`, 'trials');
    }
  }
  const n = parts.reduce((a, p) => a + p.shape[0], 0);
  const data = new Float32Array(n * c * s);
  const labels = new Int32Array(n);
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o * c * s);
    labels.set(p.labels, o);
    o += p.shape[0];
  }
  return { data, shape: [n, c, s], labels, sampleRate: first.sampleRate, channels: first.channels, times: first.times };
}
