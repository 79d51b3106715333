import { gunzipSync } from 'node:zlib';
import { FormatError } from '@nnkit/tensor';
import { type DigitsData, parseDigitsCsv } from '../demos/digits.js';

/** Options of {@link readDigitsCsv}. */
export interface ReadDigitsCsvOptions {
  /** Name used in errors. Default `'digits.csv'`. */
  file?: string;
  /** Largest accepted text after decompression, bytes (a gzip bomb stops there). Default 8 MiB (the real file: 0.3 MB). */
  maxBytes?: number;
}

/**
 * Node: reads the digits data from the bytes of `digits.csv` or `digits.csv.gz` (gzip told apart by
 * its magic bytes): decompresses with a cap on the output, decodes strict UTF-8 and parses with
 * {@link parseDigitsCsv}. A corrupt or oversized gzip stream, invalid UTF-8 or a malformed row is
 * a `FormatError` naming the file.
 *
 * @example
 * ```ts
 * import { readDigitsCsv } from '@nnkit/vision/node';
 * const data = readDigitsCsv(readFileSync('digits.csv.gz'), { file: 'digits.csv.gz' }); // 1797 digits
 * ```
 */
export function readDigitsCsv(bytes: Uint8Array, opts: ReadDigitsCsvOptions = {}): DigitsData {
  const file = opts.file ?? 'digits.csv';
  const maxBytes = opts.maxBytes ?? 8 * 2 ** 20;
  let raw = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      const code = (e as { code?: string })?.code;
      const why = code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past maxBytes ${maxBytes}` : `not a valid gzip stream (${(e as Error)?.message ?? String(e)})`;
      throw new FormatError('digits-csv', file, why, { cause: e });
    }
  } else if (bytes.length > maxBytes) throw new FormatError('digits-csv', file, `${bytes.length} bytes exceed maxBytes ${maxBytes}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (e) {
    throw new FormatError('digits-csv', file, 'not valid UTF-8 text', { cause: e });
  }
  return parseDigitsCsv(text, file);
}
