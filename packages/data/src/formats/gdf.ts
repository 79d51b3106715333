import { ByteReader, asBytes, latin1, type BytesLike, type ReadOptions } from './bytes.js';
import { gdfEventsToEvents, parseGdfEventTable } from './gdf-events.js';
import type { ChannelInfo, Raw } from './types.js';

/** Header of one GDF channel. */
export interface GdfChannelHeader extends ChannelInfo {
  samplesPerRecord: number;
  /** GDFTYP code (3 = int16, 5 = int32, 16 = float32, 17 = float64, …). */
  gdfType: number;
  lowpass?: number;
  highpass?: number;
  notch?: number;
}

const UNIT_CODES: Record<number, string> = { 0: '', 512: '-', 4256: 'V', 4274: 'mV', 4275: 'uV', 4276: 'nV', 6048: 'degree C' };
/** GDFTYP → [bytes per sample, reader of n samples at byte p into out (offset o)]. */
const TYPES: Record<number, [number, (v: DataView, p: number) => number]> = {
  1: [1, (v, p) => v.getInt8(p)],
  2: [1, (v, p) => v.getUint8(p)],
  3: [2, (v, p) => v.getInt16(p, true)],
  4: [2, (v, p) => v.getUint16(p, true)],
  5: [4, (v, p) => v.getInt32(p, true)],
  6: [4, (v, p) => v.getUint32(p, true)],
  7: [8, (v, p) => Number(v.getBigInt64(p, true))],
  8: [8, (v, p) => Number(v.getBigUint64(p, true))],
  16: [4, (v, p) => v.getFloat32(p, true)],
  17: [8, (v, p) => v.getFloat64(p, true)],
  279: [3, (v, p) => ((v.getUint8(p + 2) << 24) | (v.getUint16(p, true) << 8)) >> 8],
  535: [3, (v, p) => v.getUint16(p, true) | (v.getUint8(p + 2) << 16)],
};
const ARRAYS: Record<number, { new (b: ArrayBuffer, o: number, n: number): ArrayLike<number>; BYTES_PER_ELEMENT: number }> = {
  1: Int8Array, 2: Uint8Array, 3: Int16Array, 4: Uint16Array, 5: Int32Array, 6: Uint32Array, 16: Float32Array, 17: Float64Array,
};

/** Tag 1 of GDF 2.x header 3: free-text descriptions of user event codes 1..255. */
function userEventDescriptions(r: ByteReader, start: number, end: number): string[] {
  let p = start;
  while (p + 4 <= end) {
    const tag = r.u8(p);
    const len = r.u8(p + 1) | (r.u8(p + 2) << 8) | (r.u8(p + 3) << 16);
    if (tag === 0) break;
    if (p + 4 + len > end) return [];
    if (tag === 1) return latin1(r.bytes, p + 4, p + 4 + len).split('\0');
    p += 4 + len;
  }
  return [];
}

function gdfDate(r: ByteReader, o: number): Date | undefined {
  const frac = r.u32(o);
  const days = r.u32(o + 4);
  if (days === 0) return undefined;
  const ms = Math.round((days + frac / 2 ** 32 - 719529) * 86_400_000);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Reads a GDF 1.x or 2.x file (BioSig's General Data Format, used by BCI Competition IV) from bytes.
 *
 * Parses the fixed and variable headers, data records of any GDF type (int8…int64, uint8…uint64,
 * int24/uint24, float32, float64) with digital→physical scaling, per-channel sample rates and the
 * event table (mode 1 and 3: positions, types, channels, durations — codes 768–772, 783, 1023 …).
 *
 * @returns a {@link Raw}; `signals[c]: [T_c]` physical units; events in seconds with `code`
 * @throws EegFormatError on wrong magic/version, truncated headers/data or absurd counts
 * @example
 * ```ts
 * const raw = readGdf(bytes, { file: 'A01T.gdf' });
 * raw.events.filter((e) => e.code === 1023); // rejected trials
 * ```
 */
export function readGdf(bytes: BytesLike, opts: ReadOptions = {}): Raw {
  const u8 = asBytes(bytes);
  const r: ByteReader = new ByteReader(u8, 'gdf', opts.file);
  if (u8.length < 256) r.fail(`header needs 256 bytes, file has ${u8.length}`);
  const id = r.text(0, 8);
  const m = /^GDF ?(\d+\.\d+)$/u.exec(id);
  if (!m) r.fail(`not a GDF file: version field is '${id}'`);
  const version = Number(m[1]);
  if (version < 1 || version >= 4) r.fail(`unsupported GDF version ${version}`);
  const v2 = version >= 1.9;
  const ns = v2 ? r.u16(252) : r.u32(252);
  const headerLen = v2 ? r.u16(184) * 256 : r.i64(184);
  if (ns > 65535) r.fail(`number of channels ${ns} is invalid`);
  if (headerLen < 256 * (ns + 1)) r.fail(`header length ${headerLen} is shorter than 256 * (${ns} + 1)`);
  if (headerLen > u8.length) r.fail(`header length ${headerLen} points past the end of the ${u8.length}-byte file (truncated)`);
  let nRecords = r.i64(236);
  // GDF >= 2.20 stores the record duration as float64 seconds, older versions as uint32 num/den.
  const duration = version >= 2.2 ? r.f64(244) : r.u32(248) === 0 ? 0 : r.u32(244) / r.u32(248);
  if (!Number.isFinite(duration) || duration < 0) r.fail(`data record duration ${duration} is invalid`);
  const f = (i: number, base: number, width: number): number => 256 + base * ns + i * width;
  const channels: GdfChannelHeader[] = [];
  let recordBytes = 0;
  for (let i = 0; i < ns; i++) {
    const label = r.text(f(i, 0, 16), 16).trim();
    const spr = r.u32(f(i, 216, 4));
    const gdfType = r.u32(f(i, 220, 4));
    const t = TYPES[gdfType];
    if (!t) r.fail(`channel ${i} ('${label}'): unsupported GDF data type ${gdfType}`);
    recordBytes += spr * t[0];
    const unitText = r.text(f(i, 96, v2 ? 6 : 8), v2 ? 6 : 8).trim();
    const unitCode = v2 ? r.u16(f(i, 102, 2)) : 0;
    const h: GdfChannelHeader = {
      label,
      transducer: r.text(f(i, 16, 80), 80).trim(),
      unit: unitText !== '' ? unitText : (UNIT_CODES[unitCode] ?? `code ${unitCode}`),
      physicalMin: r.f64(f(i, 104, 8)),
      physicalMax: r.f64(f(i, 112, 8)),
      digitalMin: v2 ? r.f64(f(i, 120, 8)) : r.i64(f(i, 120, 8)),
      digitalMax: v2 ? r.f64(f(i, 128, 8)) : r.i64(f(i, 128, 8)),
      prefilter: r.text(f(i, 136, v2 ? 68 : 80), v2 ? 68 : 80).trim(),
      sampleRate: duration > 0 ? spr / duration : 0,
      samplesPerRecord: spr,
      gdfType,
    };
    if (v2) {
      h.lowpass = r.f32(f(i, 204, 4));
      h.highpass = r.f32(f(i, 208, 4));
      h.notch = r.f32(f(i, 212, 4));
    }
    channels.push(h);
  }
  const available = u8.length - headerLen;
  const fit = recordBytes > 0 ? Math.floor(available / recordBytes) : 0;
  if (nRecords === -1) nRecords = fit;
  if (!Number.isSafeInteger(nRecords) || nRecords < 0) r.fail(`number of data records ${nRecords} is invalid`);
  if (recordBytes > 0 && nRecords > fit) r.fail(`header declares ${nRecords} data records of ${recordBytes} bytes but only ${fit} fit (truncated)`);

  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const offsets: number[] = [];
  let acc = 0;
  for (const c of channels) {
    offsets.push(acc);
    acc += c.samplesPerRecord * TYPES[c.gdfType]![0];
  }
  const signals = channels.map((c, i) => {
    const spr = c.samplesPerRecord;
    const [w, get] = TYPES[c.gdfType]!;
    const range = c.digitalMax - c.digitalMin;
    const cal = range !== 0 ? (c.physicalMax - c.physicalMin) / range : 1;
    const off = range !== 0 ? c.physicalMin - c.digitalMin * cal : 0;
    // Records without samples of this channel hold nothing to read (a header may declare 2^50 of them).
    if (spr === 0 || nRecords === 0) return new Float32Array(0);
    const out = new Float32Array(spr * nRecords);
    const A = ARRAYS[c.gdfType];
    const base = headerLen + offsets[i]!;
    if (A && (u8.byteOffset + base) % w === 0 && recordBytes % w === 0 && nRecords > 0) {
      // One typed view over all records of this channel: stride recordBytes / w.
      const stride = recordBytes / w;
      const src = new A(u8.buffer as ArrayBuffer, u8.byteOffset + base, (nRecords - 1) * stride + spr);
      for (let rec = 0; rec < nRecords; rec++) {
        const s0 = rec * stride;
        const d0 = rec * spr;
        for (let k = 0; k < spr; k++) out[d0 + k] = src[s0 + k]! * cal + off;
      }
    } else {
      for (let rec = 0; rec < nRecords; rec++) {
        const p = base + rec * recordBytes;
        const d0 = rec * spr;
        for (let k = 0; k < spr; k++) out[d0 + k] = get(view, p + k * w) * cal + off;
      }
    }
    return out;
  });
  const rates = new Set(channels.map((c) => c.sampleRate));
  const sampleRate = rates.size === 1 ? [...rates][0] : undefined;
  const maxRate = Math.max(0, ...channels.map((c) => c.sampleRate));
  const table = parseGdfEventTable(r, headerLen + nRecords * recordBytes, version, maxRate > 0 ? maxRate : 1);
  const descriptions = version >= 2.1 ? userEventDescriptions(r, 256 * (ns + 1), headerLen) : [];
  const events = table ? gdfEventsToEvents(table, descriptions) : [];
  const meta: Record<string, unknown> = {
    format: 'GDF',
    version,
    patient: r.text(8, v2 ? 66 : 80),
    recording: r.text(88, v2 ? 64 : 80),
    headerLength: headerLen,
    nRecords,
    recordDuration: duration,
    channelHeaders: channels,
  };
  if (table) meta.eventTable = table;
  const startTime = v2 ? gdfDate(r, 168) : undefined;
  const info: ChannelInfo[] = channels.map(({ samplesPerRecord: _s, gdfType: _g, lowpass: _l, highpass: _h, notch: _n, ...c }) => c);
  return { channels: info, sampleRate, signals, events, startTime, meta };
}
