import type { ByteReader } from './bytes.js';
import type { EegEvent } from './types.js';

/** Names of common GDF event codes (BioSig's eventcodes.txt; BCI Competition IV use 768–783, 1023). */
export const GDF_EVENT_NAMES: Readonly<Record<number, string>> = {
  0x0114: 'eyes open', 0x0115: 'eyes closed', 0x0300: 'trial start', 0x0301: 'left hand', 0x0302: 'right hand',
  0x0303: 'foot', 0x0304: 'tongue', 0x030c: 'cue unknown', 0x030d: 'feedback', 0x03ff: 'rejected trial',
  0x0430: 'eye movements', 0x0431: 'horizontal eye movement', 0x0432: 'vertical eye movement', 0x0433: 'eye rotation',
  0x0434: 'eye blinks', 0x7ffe: 'start of a new segment', 0x7fff: 'non-equidistant sampling value',
};

/** Raw GDF event table, sample positions 0-based in units of `sampleRate`. */
export interface GdfEventTable {
  mode: number;
  sampleRate: number;
  positions: Uint32Array;
  types: Uint16Array;
  channels: Uint16Array | undefined;
  durations: Uint32Array | undefined;
}

/**
 * Parses the GDF event table at byte `p` (mode 1: positions + types; mode 3: + channels +
 * durations; mode 5/7: + time stamps, ignored). Sizes are checked against the bytes before any allocation.
 */
export function parseGdfEventTable(r: ByteReader, p: number, version: number, fallbackRate: number): GdfEventTable | undefined {
  if (p >= r.bytes.length) return undefined;
  r.need(p, 8, 'event table header');
  const mode = r.u8(p);
  const b1 = r.u8(p + 1);
  const b2 = r.u8(p + 2);
  const b3 = r.u8(p + 3);
  let n: number;
  let rate: number;
  if (version < 1.94) {
    rate = b1 + (b2 + b3 * 256) * 256;
    n = r.u32(p + 4);
  } else {
    n = b1 + (b2 + b3 * 256) * 256;
    rate = r.f32(p + 4);
  }
  // Mode bits: 1 = positions + types, 2 = + channels + durations, 4 = + 64-bit time stamps.
  if ((mode & 1) === 0 || mode > 7) r.fail(`event table mode ${mode} is not 1, 3, 5 or 7`);
  if (!(rate > 0) || !Number.isFinite(rate)) rate = fallbackRate;
  const full = (mode & 2) !== 0;
  const per = 6 + (full ? 6 : 0) + ((mode & 4) !== 0 ? 8 : 0);
  r.need(p + 8, n * per, `event table of ${n} events (mode ${mode})`);
  const at = p + 8;
  const positions = new Uint32Array(n);
  const types = new Uint16Array(n);
  const channels = full ? new Uint16Array(n) : undefined;
  const durations = full ? new Uint32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    // BioSig stores 1-based positions in the file.
    positions[i] = Math.max(0, r.u32(at + 4 * i) - 1);
    types[i] = r.u16(at + 4 * n + 2 * i);
    if (channels && durations) {
      channels[i] = r.u16(at + 6 * n + 2 * i);
      durations[i] = r.u32(at + 8 * n + 4 * i);
    }
  }
  return { mode, sampleRate: rate, positions, types, channels, durations };
}

/**
 * Converts a GDF event table to {@link EegEvent}s in seconds. Codes 1–255 take their text from
 * `userDescriptions` (GDF 2.x header 3, tag 1) when given.
 *
 * @example
 * ```ts
 * const events = gdfEventsToEvents(table); // [{ onset: 2, duration: 1.25, description: 'left hand', code: 769 }]
 * ```
 */
export function gdfEventsToEvents(t: GdfEventTable, userDescriptions: readonly string[] = []): EegEvent[] {
  const out: EegEvent[] = [];
  for (let i = 0; i < t.positions.length; i++) {
    const code = t.types[i]!;
    const e: EegEvent = {
      onset: t.positions[i]! / t.sampleRate,
      duration: t.durations ? t.durations[i]! / t.sampleRate : 0,
      description: (code < 256 && userDescriptions[code]) || GDF_EVENT_NAMES[code] || `0x${code.toString(16).padStart(4, '0')}`,
      code,
    };
    if (t.channels) e.channel = t.channels[i]!;
    out.push(e);
  }
  return out;
}
