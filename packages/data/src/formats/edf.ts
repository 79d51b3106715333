import { ByteReader, asBytes, type BytesLike, type ReadOptions } from './bytes.js';
import { parseTals } from './edf-annotations.js';
import type { ChannelInfo, EegEvent, Raw } from './types.js';

/** Header of one EDF signal, as stored (including EDF+ annotation signals). */
export interface EdfSignalHeader extends ChannelInfo {
  /** Samples of this signal in each data record. */
  samplesPerRecord: number;
  /** True for an EDF+ "EDF Annotations" signal. */
  isAnnotation: boolean;
}

/** Options of {@link readEdf}. */
export interface EdfReadOptions extends ReadOptions {
  /** Keep the raw header text fields only, skip the samples (fast header read). */
  headerOnly?: boolean;
}

const ANNOT = 'EDF Annotations';

function parseStart(date: string, time: string): Date | undefined {
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/u.exec(date);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/u.exec(time);
  if (!d || !t) return undefined;
  const yy = Number(d[3]);
  const year = yy >= 85 ? 1900 + yy : 2000 + yy;
  const out = new Date(year, Number(d[2]) - 1, Number(d[1]), Number(t[1]), Number(t[2]), Number(t[3]));
  return Number.isNaN(out.getTime()) ? undefined : out;
}

/**
 * Reads an EDF or EDF+ (continuous `EDF+C` or discontinuous `EDF+D`) file from bytes.
 *
 * Samples (16-bit little-endian two's complement) are scaled to physical units:
 * `phys = (dig - digitalMin) * (physicalMax - physicalMin) / (digitalMax - digitalMin) + physicalMin`.
 * "EDF Annotations" signals are parsed into `events` (TAL onsets, durations, texts) and left out of
 * `channels`/`signals`; every stored signal header is in `meta.signalHeaders`. For EDF+D the onset of
 * each data record (from its time-keeping TAL) is in `meta.recordOnsets` and the records are
 * concatenated in `signals`. Header text is decoded as latin1.
 *
 * @param bytes the whole file
 * @returns a {@link Raw}: `signals[c]: [T_c]` in physical units
 * @throws EegFormatError on wrong version, truncated or inconsistent headers, absurd counts
 * @example
 * ```ts
 * const raw = readEdf(bytes, { file: 'S001R04.edf' });
 * raw.channels.length; // 64
 * raw.sampleRate;      // 160
 * ```
 */
export function readEdf(bytes: BytesLike, opts: EdfReadOptions = {}): Raw {
  const u8 = asBytes(bytes);
  const r = new ByteReader(u8, 'edf', opts.file);
  if (u8.length < 256) r.fail(`header needs 256 bytes, file has ${u8.length}`);
  const version = r.text(0, 8);
  if (version !== '0' && !(u8[0] === 0xff && r.text(1, 7) === 'BIOSEMI')) {
    r.fail(`not an EDF file: version field is '${version.slice(0, 8)}', expected '0'`);
  }
  const num = (o: number, n: number, what: string): number => {
    const s = r.text(o, n).trim();
    const v = s === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) r.fail(`${what}: '${s}' is not a number`);
    return v;
  };
  const patient = r.text(8, 80);
  const recording = r.text(88, 80);
  const startDate = r.text(168, 8);
  const startTimeText = r.text(176, 8);
  const headerBytes = num(184, 8, 'header byte count');
  const reserved = r.text(192, 44);
  let nRecords = num(236, 8, 'number of data records');
  const recordDuration = num(244, 8, 'data record duration');
  const ns = num(252, 4, 'number of signals');
  if (!Number.isInteger(ns) || ns < 0 || ns > 100_000) r.fail(`number of signals ${ns} is invalid`);
  const expectedHeader = 256 * (ns + 1);
  if (expectedHeader > u8.length) r.fail(`header of ${ns} signals needs ${expectedHeader} bytes, file has ${u8.length} (truncated)`);
  if (headerBytes !== expectedHeader) r.fail(`header byte count ${headerBytes} does not match 256 * (${ns} + 1) = ${expectedHeader}`);
  if (recordDuration < 0) r.fail(`data record duration ${recordDuration} is negative`);

  const field = (i: number, base: number, width: number): number => 256 + base * ns + i * width;
  const headers: EdfSignalHeader[] = [];
  let recordSamples = 0;
  for (let i = 0; i < ns; i++) {
    const label = r.text(field(i, 0, 16), 16).trim();
    const spr = num(field(i, 216, 8), 8, `signal ${i} ('${label}') samples per record`);
    if (!Number.isInteger(spr) || spr < 0) r.fail(`signal ${i} ('${label}'): samples per record ${spr} is invalid`);
    const h: EdfSignalHeader = {
      label,
      transducer: r.text(field(i, 16, 80), 80).trim(),
      unit: r.text(field(i, 96, 8), 8).trim(),
      physicalMin: num(field(i, 104, 8), 8, `signal ${i} ('${label}') physical minimum`),
      physicalMax: num(field(i, 112, 8), 8, `signal ${i} ('${label}') physical maximum`),
      digitalMin: num(field(i, 120, 8), 8, `signal ${i} ('${label}') digital minimum`),
      digitalMax: num(field(i, 128, 8), 8, `signal ${i} ('${label}') digital maximum`),
      prefilter: r.text(field(i, 136, 80), 80).trim(),
      samplesPerRecord: spr,
      sampleRate: recordDuration > 0 ? spr / recordDuration : 0,
      isAnnotation: label === ANNOT,
    };
    if (!h.isAnnotation && h.digitalMax === h.digitalMin) r.fail(`signal ${i} ('${label}'): digital minimum equals digital maximum (${h.digitalMin})`);
    headers.push(h);
    recordSamples += spr;
  }
  const recordBytes = recordSamples * 2;
  const available = u8.length - expectedHeader;
  const fit = recordBytes > 0 ? Math.floor(available / recordBytes) : 0;
  if (nRecords === -1) nRecords = fit;
  if (!Number.isInteger(nRecords) || nRecords < 0) r.fail(`number of data records ${nRecords} is invalid`);
  if (nRecords > fit && recordBytes > 0) {
    r.fail(`header declares ${nRecords} data records of ${recordBytes} bytes but only ${fit} fit in the ${available} data bytes (truncated)`);
  }
  if (recordBytes === 0 && nRecords > 0 && ns > 0) r.fail('data records have zero samples');

  const isPlus = reserved.startsWith('EDF+');
  const meta: Record<string, unknown> = {
    format: isPlus ? reserved.slice(0, 5) : 'EDF',
    version,
    patient,
    recording,
    startDate,
    startTime: startTimeText,
    reserved,
    nRecords,
    recordDuration,
    signalHeaders: headers,
  };
  const dataIdx = headers.map((h, i) => (h.isAnnotation ? -1 : i)).filter((i) => i >= 0);
  const channels: ChannelInfo[] = dataIdx.map((i) => {
    const { samplesPerRecord: _s, isAnnotation: _a, ...c } = headers[i]!;
    return c;
  });
  const rates = new Set(channels.map((c) => c.sampleRate));
  const sampleRate = rates.size === 1 ? [...rates][0] : undefined;
  const startTime = parseStart(startDate, startTimeText);
  if (opts.headerOnly) return { channels, sampleRate, signals: [], events: [], startTime, meta };

  // Int16 view of the data (copy once when the view would be unaligned).
  const dataStart = u8.byteOffset + expectedHeader;
  const nData = (nRecords * recordBytes) / 2;
  const i16 = dataStart % 2 === 0
    ? new Int16Array(u8.buffer, dataStart, nData)
    : new Int16Array(u8.slice(expectedHeader, expectedHeader + nData * 2).buffer);
  const offsets: number[] = [];
  let acc = 0;
  for (const h of headers) {
    offsets.push(acc);
    acc += h.samplesPerRecord;
  }
  const signals = dataIdx.map((i) => {
    const h = headers[i]!;
    const spr = h.samplesPerRecord;
    const cal = (h.physicalMax - h.physicalMin) / (h.digitalMax - h.digitalMin);
    const off = h.physicalMin - h.digitalMin * cal;
    const out = new Float32Array(spr * nRecords);
    const o = offsets[i]!;
    for (let rec = 0; rec < nRecords; rec++) {
      const src = rec * recordSamples + o;
      const dst = rec * spr;
      for (let k = 0; k < spr; k++) out[dst + k] = i16[src + k]! * cal + off;
    }
    return out;
  });

  const events: EegEvent[] = [];
  const recordOnsets: number[] = [];
  const annIdx = headers.map((h, i) => (h.isAnnotation ? i : -1)).filter((i) => i >= 0);
  for (let rec = 0; rec < nRecords && annIdx.length > 0; rec++) {
    annIdx.forEach((i, k) => {
      const start = expectedHeader + (rec * recordSamples + offsets[i]!) * 2;
      const tals = parseTals(u8.subarray(start, start + headers[i]!.samplesPerRecord * 2));
      if (k === 0) recordOnsets.push(tals.recordOnset ?? rec * recordDuration);
      events.push(...tals.events);
    });
  }
  events.sort((a, b) => a.onset - b.onset);
  if (annIdx.length > 0) meta.recordOnsets = recordOnsets;
  return { channels, sampleRate, signals, events, startTime, meta };
}
