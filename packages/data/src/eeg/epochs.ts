import { EegFormatError } from '../formats/errors.js';
import { pickChannels } from '../formats/raw.js';
import type { EegEvent, Raw } from '../formats/types.js';
import type { EegTrials } from './trials.js';

/** Options of {@link epochs}. */
export interface EpochsOptions {
  /** Window start relative to each event onset (s). */
  tmin: number;
  /** Window end relative to each event onset (s, exclusive: `T = round((tmax - tmin) * fs)`). */
  tmax: number;
  /** Subtract each channel's mean over `[b0, b1]` s, both ends inclusive as in MNE (relative to the event; `null` = window edge). */
  baseline?: [number | null, number | null];
  /** Channels to keep, by index or label (default: all). */
  picks?: readonly (number | string)[];
  /**
   * Event description (or numeric code, as a string) → class index. Only these events are cut.
   * Default: every distinct description, in sorted order.
   */
  eventIds?: Record<string, number>;
}

/** Result of {@link epochs}: trials plus the events kept and those dropped at the edges. */
export interface Epochs extends EegTrials {
  events: EegEvent[];
  /** Events whose window fell outside the recording. */
  dropped: EegEvent[];
}

/**
 * Cuts fixed-length epochs around events from a continuous recording (MNE's `Epochs`, without
 * resampling): trial `i` holds samples `round(onset_i * fs) + round(tmin * fs) + [0, T)`.
 *
 * @param raw recording with a common sample rate; `signals[c]: [T_total]`
 * @param events events to cut around (onsets in s)
 * @returns `data: [N, C, T]` row-major, `labels: [N]`, `times: [T]`
 * @example
 * ```ts
 * const ep = epochs(raw, events, { tmin: 0, tmax: 4, eventIds: { T1: 0, T2: 1 } });
 * ep.shape; // [15, 64, 640]
 * ```
 */
export function epochs(raw: Raw, events: readonly EegEvent[], opts: EpochsOptions): Epochs {
  const fs = raw.sampleRate;
  const fail = (reason: string): never => {
    throw new EegFormatError('eeg-dataset', undefined, `epochs: ${reason}`);
  };
  if (fs === undefined || !(fs > 0)) fail('the recording has no common sample rate');
  const rate = fs as number;
  if (!(opts.tmax > opts.tmin)) fail(`tmax (${opts.tmax}) must be greater than tmin (${opts.tmin})`);
  const T = Math.round((opts.tmax - opts.tmin) * rate);
  const off = Math.round(opts.tmin * rate);
  const idx = pickChannels(raw, opts.picks);
  const C = idx.length;
  const total = idx.length > 0 ? raw.signals[idx[0]!]!.length : 0;
  const key = (e: EegEvent): string => (opts.eventIds && e.code !== undefined && !(e.description in opts.eventIds) ? String(e.code) : e.description);
  const ids = opts.eventIds ?? Object.fromEntries([...new Set(events.map((e) => e.description))].sort().map((d, i) => [d, i]));
  const kept: EegEvent[] = [];
  const dropped: EegEvent[] = [];
  const starts: number[] = [];
  for (const e of events) {
    if (!(key(e) in ids)) continue;
    const s0 = Math.round(e.onset * rate) + off;
    if (s0 < 0 || s0 + T > total) dropped.push(e);
    else {
      kept.push(e);
      starts.push(s0);
    }
  }
  const N = kept.length;
  const data = new Float32Array(N * C * T);
  const labels = new Int32Array(N);
  const b0 = opts.baseline ? Math.max(0, Math.round(((opts.baseline[0] ?? opts.tmin) - opts.tmin) * rate)) : 0;
  const b1 = opts.baseline ? (opts.baseline[1] === null ? T : Math.min(T, Math.round((opts.baseline[1] - opts.tmin) * rate) + 1)) : 0;
  if (opts.baseline && b1 <= b0) fail(`baseline [${opts.baseline.join(', ')}] selects no samples of the window`);
  for (let n = 0; n < N; n++) {
    labels[n] = ids[key(kept[n]!)]!;
    for (let c = 0; c < C; c++) {
      const row = raw.signals[idx[c]!]!.subarray(starts[n]!, starts[n]! + T);
      const o = (n * C + c) * T;
      data.set(row, o);
      if (opts.baseline) {
        let m = 0;
        for (let t = b0; t < b1; t++) m += row[t]!;
        m /= b1 - b0;
        for (let t = 0; t < T; t++) data[o + t]! -= m;
      }
    }
  }
  const times = new Float32Array(T);
  for (let t = 0; t < T; t++) times[t] = (t + off) / rate;
  return { data, shape: [N, C, T], labels, sampleRate: rate, channels: idx.map((i) => raw.channels[i]!.label), times, events: kept, dropped };
}
