import { getHeapSpaceStatistics } from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';

/** Tensor count and resident set size after each epoch of a run, and where the memory is. */
export interface SoakTrace {
  epochs: number[];
  tensors: number[];
  rssMiB: number[];
  /** Size of the wasm backend's linear memory (grows, never shrinks); 0 on other backends. */
  wasmMiB: number[];
  /** V8's JavaScript heap (`heapTotal`). */
  heapMiB: number[];
  /** ArrayBuffers outside the V8 heap (`arrayBuffers`: the cpu backend's tensors, file bytes…). */
  arrayBuffersMiB: number[];
  /** Resident size of V8's young generation (`new_space`: two semispaces, capped by `--max-semi-space-size`). */
  newSpaceMiB: number[];
}

/** Resident bytes of V8's young generation. */
function newSpaceBytes(): number {
  return getHeapSpaceStatistics().filter((s) => s.space_name === 'new_space').reduce((a, s) => a + s.physical_space_size, 0);
}

/** Byte length of the wasm backend's linear memory, or 0 when the backend is not wasm. */
export function wasmHeapBytes(): number {
  const b = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }) : undefined;
  return b?.wasm?.HEAPU8?.buffer.byteLength ?? 0;
}

/** A hook for the workloads' `onEpoch` that records {@link SoakTrace}. */
export function soakRecorder(): { trace: SoakTrace; onEpoch: (epoch: number) => void } {
  const trace: SoakTrace = { epochs: [], tensors: [], rssMiB: [], wasmMiB: [], heapMiB: [], arrayBuffersMiB: [], newSpaceMiB: [] };
  return {
    trace,
    onEpoch: (epoch) => {
      (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc (vitest.config.ts): less noise
      const m = process.memoryUsage();
      trace.epochs.push(epoch);
      trace.tensors.push(tf.memory().numTensors);
      trace.rssMiB.push(m.rss / 2 ** 20);
      trace.wasmMiB.push(wasmHeapBytes() / 2 ** 20);
      trace.heapMiB.push(m.heapTotal / 2 ** 20);
      trace.arrayBuffersMiB.push(m.arrayBuffers / 2 ** 20);
      trace.newSpaceMiB.push(newSpaceBytes() / 2 ** 20);
    },
  };
}

/**
 * Figures of a trace: the tensor count after epoch 1 and its largest later change; RSS growth from
 * the end of the warm-up (the first 10 % of the epochs, at least three) to the end; and RSS growth
 * from epoch 2 to the end less the growth of V8's young generation over the same epochs (the one
 * step that made EEG-TCNet's RSS grow by ~5 % from epoch 2: see the README).
 */
export function soakFigures(t: SoakTrace): {
  tensorsAfterFirst: number;
  maxTensorDrift: number;
  rssFirstMiB: number;
  rssLastMiB: number;
  rssMaxMiB: number;
  rssGrowth: number;
  newSpaceGrowthMiB: number;
  rssGrowthFromEpoch2LessNewSpace: number;
} {
  const first = t.tensors[0]!;
  const maxTensorDrift = Math.max(0, ...t.tensors.slice(1).map((n) => Math.abs(n - first)));
  const warm = Math.min(t.rssMiB.length - 1, Math.max(3, Math.ceil(t.rssMiB.length / 10)) - 1);
  const rssFirst = t.rssMiB[warm]!;
  const last = t.rssMiB.length - 1;
  const rssLast = t.rssMiB[last]!;
  const e2 = Math.min(1, last);
  const newSpaceGrowthMiB = t.newSpaceMiB[last]! - t.newSpaceMiB[e2]!;
  return {
    tensorsAfterFirst: first,
    maxTensorDrift,
    rssFirstMiB: rssFirst,
    rssLastMiB: rssLast,
    rssMaxMiB: Math.max(...t.rssMiB),
    rssGrowth: (rssLast - rssFirst) / rssFirst,
    newSpaceGrowthMiB,
    rssGrowthFromEpoch2LessNewSpace: (rssLast - t.rssMiB[e2]! - Math.max(0, newSpaceGrowthMiB)) / t.rssMiB[e2]!,
  };
}
