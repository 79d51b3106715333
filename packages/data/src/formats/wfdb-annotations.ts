import { ByteReader, asBytes, latin1, type BytesLike, type ReadOptions } from './bytes.js';
import type { EegEvent } from './types.js';

/** One annotation of a WFDB/MIT annotation file, as stored. */
export interface WfdbAnnotation {
  /** Sample index (cumulative time increments and SKIPs). */
  sample: number;
  /** Annotation code (1–49; 22 = NOTE, 0 = not an annotation and dropped). */
  code: number;
  /** Mnemonic of the standard code table (e.g. `'N'`, `'"'` for NOTE). */
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** AUX string (latin1), `''` when none. */
  aux: string;
}

/** Options of {@link readWfdbAnnotations}. */
export interface WfdbReadOptions extends ReadOptions {
  /** Sampling frequency used to turn samples into seconds when the file has no `## time resolution` note. */
  sampleRate?: number;
}

/** Result of {@link readWfdbAnnotations}. */
export interface WfdbAnnotations {
  annotations: WfdbAnnotation[];
  /** From the file's `## time resolution: <fs>` definition note, else `opts.sampleRate`. */
  sampleRate: number | undefined;
  /**
   * Annotations as events: onset = sample / sampleRate (in samples when no rate is known),
   * description = the aux text before `duration:` (or the symbol), duration from `duration: <s>`.
   */
  events: EegEvent[];
}

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
/** Standard WFDB mnemonics for codes 0..49 (ecgcodes.h). */
const SYMBOLS = [' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', '~', '', '|', '', 's', 'T', '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u', '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', ')', 'r'];

/**
 * Reads a PhysioNet WFDB/MIT binary annotation file (e.g. EEGMMIDB's `S001R04.edf.event`).
 *
 * Each 16-bit little-endian word holds a 6-bit code (high bits) and a 10-bit time increment.
 * Pseudo-codes: SKIP (59; next 4 bytes: PDP-11 long increment), NUM (60), SUB (61), CHN (62),
 * AUX (63; next I bytes, padded to even: the aux string, e.g. `'T1 duration: 4.1'`). A zero word
 * ends the file. Code-0 fillers and the `## …` definition notes at sample 0 are not annotations.
 *
 * @throws EegFormatError when a SKIP or AUX runs past the end of the bytes
 * @example
 * ```ts
 * const { events } = readWfdbAnnotations(bytes, { file: 'S001R04.edf.event' });
 * events[1]; // { onset: 4.2, duration: 4.1, description: 'T2', code: 22 }
 * ```
 */
export function readWfdbAnnotations(bytes: BytesLike, opts: WfdbReadOptions = {}): WfdbAnnotations {
  const u8 = asBytes(bytes);
  const r = new ByteReader(u8, 'wfdb-annotations', opts.file);
  const annotations: WfdbAnnotation[] = [];
  let sample = 0;
  let chan = 0;
  let num = 0;
  let cur: WfdbAnnotation | undefined;
  let sampleRate: number | undefined;
  let p = 0;
  const flush = (): void => {
    if (!cur) return;
    const def = cur.sample === 0 && cur.code === 22 && cur.aux.startsWith('## ');
    if (def) {
      const m = /time resolution:\s*([\d.eE+-]+)/u.exec(cur.aux);
      if (m && Number(m[1]) > 0) sampleRate = Number(m[1]);
    } else if (cur.code !== 0) {
      annotations.push(cur);
    }
    cur = undefined;
  };
  while (p + 2 <= u8.length) {
    const w = r.u16(p);
    p += 2;
    if (w === 0) break;
    const a = w >> 10;
    const inc = w & 0x3ff;
    if (a === SKIP) {
      r.need(p, 4, 'SKIP interval');
      const hi = r.u16(p);
      const lo = r.u16(p + 2);
      sample += ((hi << 16) | lo) >> 0;
      p += 4;
    } else if (a === NUM) {
      num = inc;
      if (cur) cur.num = inc;
    } else if (a === SUB) {
      if (cur) cur.subtype = inc;
    } else if (a === CHN) {
      chan = inc;
      if (cur) cur.chan = inc;
    } else if (a === AUX) {
      r.need(p, inc, `AUX string of ${inc} bytes at byte ${p}`);
      const text = latin1(u8, p, p + inc).replace(/\0+$/u, '');
      if (cur) cur.aux = text;
      p += inc + (inc % 2);
    } else {
      flush();
      sample += inc;
      if (sample < 0) r.fail(`annotation time became negative (${sample}) at byte ${p - 2}`);
      cur = { sample, code: a, symbol: SYMBOLS[a] ?? '', subtype: 0, chan, num, aux: '' };
    }
  }
  flush();
  sampleRate ??= opts.sampleRate;
  const fs = sampleRate ?? 1;
  const events = annotations.map((an): EegEvent => {
    const m = /^(.*?)\s*duration:\s*([\d.eE+-]+)\s*$/u.exec(an.aux);
    const description = m ? m[1]! : an.aux !== '' ? an.aux : an.symbol;
    const duration = m ? Number(m[2]) : 0;
    return { onset: an.sample / fs, duration: Number.isFinite(duration) ? duration : 0, description, code: an.code };
  });
  return { annotations, sampleRate, events };
}
