import { EegFormatError } from './errors.js';
import type { Raw } from './types.js';

/** A row-major `(C, T)` float32 array with its shape. */
export interface ChannelArray {
  data: Float32Array;
  shape: [number, number];
}

/**
 * Stacks the signals of a {@link Raw} into one row-major `(C, T)` Float32Array.
 * All picked channels must have the same length (same sample rate).
 *
 * @param picks channel indices or labels to keep (default: all)
 * @returns `{ data, shape: [C, T] }`
 * @example
 * ```ts
 * const { data, shape } = rawToArray(raw, ['C3..', 'Cz..', 'C4..']); // shape [3, T]
 * ```
 */
export function rawToArray(raw: Raw, picks?: readonly (number | string)[]): ChannelArray {
  const idx = pickChannels(raw, picks);
  const first = idx[0];
  const T = first === undefined ? 0 : raw.signals[first]!.length;
  for (const i of idx) {
    if (raw.signals[i]!.length !== T) {
      throw new EegFormatError('eeg-dataset', undefined, `rawToArray: channel '${raw.channels[i]!.label}' has ${raw.signals[i]!.length} samples, expected ${T} (mixed sample rates; pick channels of one rate)`);
    }
  }
  const data = new Float32Array(idx.length * T);
  idx.forEach((i, r) => data.set(raw.signals[i]!, r * T));
  return { data, shape: [idx.length, T] };
}

/**
 * Resolves channel picks (indices or labels; labels are matched exactly, then
 * case-insensitively with trailing dots/spaces removed) to indices.
 *
 * @example
 * ```ts
 * pickChannels(raw, ['C3', 'Cz']); // e.g. [8, 10]
 * ```
 */
export function pickChannels(raw: Raw, picks?: readonly (number | string)[]): number[] {
  if (!picks) return raw.channels.map((_, i) => i);
  const norm = (s: string): string => s.replace(/[.\s]+$/u, '').toLowerCase();
  return picks.map((p) => {
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 0 || p >= raw.channels.length) {
        throw new EegFormatError('eeg-dataset', undefined, `channel index ${p} out of range [0, ${raw.channels.length})`);
      }
      return p;
    }
    let i = raw.channels.findIndex((c) => c.label === p);
    if (i < 0) i = raw.channels.findIndex((c) => norm(c.label) === norm(p));
    if (i < 0) throw new EegFormatError('eeg-dataset', undefined, `no channel '${p}' (have: ${raw.channels.map((c) => c.label).join(', ')})`);
    return i;
  });
}
