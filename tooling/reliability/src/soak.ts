import * as tf from '@tensorflow/tfjs-core';

/** Tensor count and resident set size after each epoch of a run. */
export interface SoakTrace {
  epochs: number[];
  tensors: number[];
  rssMiB: number[];
}

/** A hook for the workloads' `onEpoch` that records {@link SoakTrace}. */
export function soakRecorder(): { trace: SoakTrace; onEpoch: (epoch: number) => void } {
  const trace: SoakTrace = { epochs: [], tensors: [], rssMiB: [] };
  return {
    trace,
    onEpoch: (epoch) => {
      (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc (vitest.config.ts): less noise
      trace.epochs.push(epoch);
      trace.tensors.push(tf.memory().numTensors);
      trace.rssMiB.push(process.memoryUsage().rss / 2 ** 20);
    },
  };
}

/**
 * Figures of a trace: the tensor count after epoch 1 and its largest later change; RSS growth from
 * the end of the warm-up (the first 10 % of the epochs, at least three: V8's JIT and heap and the
 * wasm heap grow to their working size there — EEG-TCNet's wasm heap steps up once in epoch 3) to the end.
 */
export function soakFigures(t: SoakTrace): { tensorsAfterFirst: number; maxTensorDrift: number; rssFirstMiB: number; rssLastMiB: number; rssMaxMiB: number; rssGrowth: number } {
  const first = t.tensors[0]!;
  const maxTensorDrift = Math.max(0, ...t.tensors.slice(1).map((n) => Math.abs(n - first)));
  const warm = Math.min(t.rssMiB.length - 1, Math.max(3, Math.ceil(t.rssMiB.length / 10)) - 1);
  const rssFirst = t.rssMiB[warm]!;
  const rssLast = t.rssMiB[t.rssMiB.length - 1]!;
  return { tensorsAfterFirst: first, maxTensorDrift, rssFirstMiB: rssFirst, rssLastMiB: rssLast, rssMaxMiB: Math.max(...t.rssMiB), rssGrowth: (rssLast - rssFirst) / rssFirst };
}
