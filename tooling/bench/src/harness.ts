// Timing and memory of one nnkit workload: the warm-up doubles as the tf.profile (peak bytes) call.
import { memory, profile } from '@tensorflow/tfjs-core';
import { median } from './stats.js';

/** Peak RSS of this process so far, MiB (ru_maxrss). */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** What {@link measure} returns. */
export interface Measured {
  /** Median wall ms of the timed calls. */
  ms: number;
  /** Median CPU ms (user + system) of the timed calls. */
  cpuMs: number;
  /** Peak tfjs bytes during the first warm-up call (tf.profile). */
  peakTfjsBytes: number;
  /** Peak RSS of the process after the calls, MiB. */
  rssMb: number;
}

let sampled = 0;
/**
 * Notes the live tfjs bytes now (call it where a step holds the most, e.g. at the end of the
 * forward inside `backward`): the peak of {@link measure} with `profile: false`, a lower bound.
 */
export function notePeak(): void {
  sampled = Math.max(sampled, memory().numBytes);
}

/**
 * Calls `fn` `warmup` times (at least one; the first under tf.profile for the peak tfjs bytes,
 * or with `profile: false` the peak of the {@link notePeak} calls and the live bytes after the
 * call — for workloads tf.profile cannot trace: it throws on a backward pass through
 * `maxPool2d` on wasm, and overflows the stack on long runs such as a 150-epoch training),
 * then `runs` timed times; every call must end with a `dataSync()` of its result.
 */
export async function measure(fn: () => unknown, runs: number, warmup = 1, opts: { profile?: boolean } = {}): Promise<Measured> {
  let peakTfjsBytes: number;
  if (opts.profile === false) {
    sampled = 0;
    await fn();
    peakTfjsBytes = Math.max(sampled, memory().numBytes);
  } else {
    peakTfjsBytes = (await profile(async () => void (await fn()))).peakBytes;
  }
  for (let i = 1; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu), peakTfjsBytes, rssMb: peakRssMb() };
}

/** The memory and CPU fields of a measurement, for a row. */
export const rest = (m: Measured): { peakTfjsBytes: number; rssMb: number; cpuMs: number } => ({ peakTfjsBytes: m.peakTfjsBytes, rssMb: m.rssMb, cpuMs: m.cpuMs });
