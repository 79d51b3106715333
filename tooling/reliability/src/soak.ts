import { readFileSync } from 'node:fs';
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
  /** Resident part of the wasm linear memory's own mapping (Linux; 0 elsewhere): at most {@link SoakTrace.wasmMiB}. */
  wasmResidentMiB: number[];
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

/**
 * Resident bytes of the wasm backend's linear memory and of everything else, from
 * `/proc/self/smaps`: V8 maps a wasm memory as one read-write anonymous mapping of exactly its
 * size, right after the inaccessible reservation that guards it. `{ wasm: 0, other: 0 }` where smaps
 * cannot be read; `wasm` is 0 where no such mapping is found (then nothing is subtracted for it).
 */
export function residentSplit(): { wasm: number; other: number } {
  const size = wasmHeapBytes();
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return { wasm: 0, other: 0 };
  }
  let wasm = 0;
  let other = 0;
  let found = false;
  let isWasm = false;
  let prevEnd = -1n;
  let prevGuard = false;
  for (const line of text.split('\n')) {
    // a mapping's header: start-end perms offset device inode [path]
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ (\S+) (\d+)\s*(.*)$/.exec(line);
    if (m) {
      const [, from, to, perms, device, inode, path] = m as unknown as [string, string, string, string, string, string, string];
      const anonymous = device === '00:00' && inode === '0' && path === '';
      const start = BigInt(`0x${from}`);
      const end = BigInt(`0x${to}`);
      isWasm = !found && anonymous && size > 0 && perms === 'rw-p' && end - start === BigInt(size) && prevGuard && prevEnd === start;
      found ||= isWasm;
      prevGuard = anonymous && perms === '---p';
      prevEnd = end;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) isWasm ? (wasm += Number(rss[1]) * 1024) : (other += Number(rss[1]) * 1024);
  }
  return { wasm, other };
}

/** A hook for the workloads' `onEpoch` that records {@link SoakTrace}. */
export function soakRecorder(): { trace: SoakTrace; onEpoch: (epoch: number) => void } {
  const trace: SoakTrace = { epochs: [], tensors: [], rssMiB: [], wasmMiB: [], heapMiB: [], arrayBuffersMiB: [], newSpaceMiB: [], wasmResidentMiB: [] };
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
      trace.wasmResidentMiB.push(residentSplit().wasm / 2 ** 20);
    },
  };
}

/** Epochs of a run's warm-up: the first 10 % of them, at least four (and never all of them). */
export function warmupEpochs(epochs: number): number {
  return Math.min(epochs - 1, Math.max(4, Math.ceil(epochs / 10)));
}

/**
 * Figures of a trace: the tensor count after epoch 1 and its largest later change; RSS growth from
 * the warm-up's peak ({@link warmupEpochs}) to the end; RSS growth over the run's second half, from
 * its high-water mark up to mid, less the growth of V8's young generation and of the resident pages of the wasm memory over it (a
 * leak grows RSS in every epoch, a warm-up only in the first ones; the young generation is capped
 * by `--max-semi-space-size`, the wasm memory's resident pages by its size, which must not grow:
 * README); the wasm backend's linear memory after the warm-up (exact: where every tensor lives, it
 * never shrinks).
 */
export function soakFigures(t: SoakTrace): {
  tensorsAfterFirst: number;
  maxTensorDrift: number;
  warmupEpochs: number;
  rssFirstMiB: number;
  rssLastMiB: number;
  rssMaxMiB: number;
  rssGrowth: number;
  rssGrowthSecondHalf: number;
  wasmGrowthMiB: number;
  newSpaceGrowthMiB: number;
  wasmResidentGrowthMiB: number;
} {
  const first = t.tensors[0]!;
  const maxTensorDrift = Math.max(0, ...t.tensors.slice(1).map((n) => Math.abs(n - first)));
  const warm = warmupEpochs(t.rssMiB.length) - 1; // index of the warm-up's last epoch
  const last = t.rssMiB.length - 1;
  const mid = Math.floor(last / 2);
  const rssFirst = Math.max(...t.rssMiB.slice(0, warm + 1)); // the warm-up's peak: a GC dip at its end is no baseline
  const rssLast = t.rssMiB[last]!;
  // The second half's baseline: the RSS's high-water mark up to mid. A garbage collection that dips
  // RSS at mid is no baseline either (a fresh-clone CI run failed at +5.3 %: RSS 164.7 165.3 168.5,
  // a collection down to 155.8 at mid, back to 164.3 at the end, below the warm-up's peak); a leak
  // grows RSS in every epoch, so for it the mark is the value at mid.
  const rssHighMid = Math.max(...t.rssMiB.slice(0, mid + 1));
  return {
    tensorsAfterFirst: first,
    maxTensorDrift,
    warmupEpochs: warm + 1,
    rssFirstMiB: rssFirst,
    rssLastMiB: rssLast,
    rssMaxMiB: Math.max(...t.rssMiB),
    rssGrowth: (rssLast - rssFirst) / rssFirst,
    rssGrowthSecondHalf:
      (rssLast - rssHighMid - Math.max(0, t.newSpaceMiB[last]! - t.newSpaceMiB[mid]!) - Math.max(0, t.wasmResidentMiB[last]! - t.wasmResidentMiB[mid]!)) / rssHighMid,
    wasmGrowthMiB: t.wasmMiB[last]! - t.wasmMiB[warm]!,
    newSpaceGrowthMiB: t.newSpaceMiB[last]! - t.newSpaceMiB[warm]!,
    wasmResidentGrowthMiB: t.wasmResidentMiB[last]! - t.wasmResidentMiB[warm]!,
  };
}
