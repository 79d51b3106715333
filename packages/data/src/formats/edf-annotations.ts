import type { EegEvent } from './types.js';
import { latin1 } from './bytes.js';

/** Annotations of one data record of an EDF+ "EDF Annotations" signal. */
export interface RecordTals {
  /** Onset of the record (s) from its time-keeping TAL, or `undefined` when absent. */
  recordOnset: number | undefined;
  /** The annotations (time-keeping entries excluded). */
  events: EegEvent[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    return latin1(b);
  }
}

/**
 * Parses the Time-stamped Annotation Lists (TALs) of one record of an EDF+ annotation signal:
 * `+onset[\x15duration]\x14text\x14[text\x14…]\x00`. The first TAL of a record with an empty
 * first text is the record's time-keeping annotation. Malformed TALs are skipped (EDF+ readers
 * are expected to be lenient here), never throw.
 *
 * @example
 * ```ts
 * parseTals(new TextEncoder().encode('+0\x14\x14\x00+1.5\x150.5\x14T1\x14\x00'));
 * // { recordOnset: 0, events: [{ onset: 1.5, duration: 0.5, description: 'T1' }] }
 * ```
 */
export function parseTals(bytes: Uint8Array): RecordTals {
  const events: EegEvent[] = [];
  let recordOnset: number | undefined;
  let start = 0;
  let first = true;
  const n = bytes.length;
  while (start < n) {
    let end = bytes.indexOf(0, start);
    if (end < 0) end = n;
    if (end > start) {
      const tal = bytes.subarray(start, end);
      const parts: Uint8Array[] = [];
      let p = 0;
      for (let i = 0; i <= tal.length; i++) {
        if (i === tal.length || tal[i] === 0x14) {
          parts.push(tal.subarray(p, i));
          p = i + 1;
        }
      }
      // parts[0] = onset[\x15duration]; then texts; the TAL ends with \x14 so the last part is empty.
      const head = latin1(parts[0] ?? new Uint8Array());
      const m = /^([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?)?)?$/u.exec(head);
      if (m) {
        const onset = Number(m[1]);
        const duration = m[2] !== undefined ? Number(m[2]) : 0;
        const texts = parts.slice(1);
        if (texts.length > 0 && texts[texts.length - 1]!.length === 0) texts.pop();
        texts.forEach((t, k) => {
          if (k === 0 && t.length === 0) {
            if (first && recordOnset === undefined) recordOnset = onset;
            return;
          }
          if (t.length === 0) return;
          events.push({ onset, duration, description: decodeText(t) });
        });
      }
      first = false;
    }
    start = end + 1;
  }
  return { recordOnset, events };
}
