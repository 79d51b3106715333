import { Unzlib } from 'fflate';
import { EegFormatError, type EegFormatName } from './errors.js';

/** Default cap on the output of one compressed element (bytes): guards against zlib bombs. */
export const DEFAULT_MAX_INFLATED_BYTES = 1 << 30;

/**
 * Inflates a zlib stream with `fflate` (pure JS, runs in the browser), feeding the input in
 * small chunks so that output is produced incrementally and aborting as soon as it exceeds
 * `maxBytes` — a zlib bomb costs at most `maxBytes` plus one chunk, never an unbounded allocation.
 *
 * @throws EegFormatError on corrupt/truncated streams or output over `maxBytes`
 * @example
 * ```ts
 * const out = inflateBounded(zlibBytes, 1 << 20, 'mat5', 'a.mat');
 * ```
 */
export function inflateBounded(input: Uint8Array, maxBytes: number, format: EegFormatName, file: string | undefined): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const stream = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new EegFormatError(format, file, `compressed element inflates to more than ${maxBytes} bytes (zlib bomb or raise maxInflatedBytes)`);
    }
    chunks.push(chunk);
    if (final) done = true;
  });
  // One push can inflate ~1000× its size before the cap is checked, so chunks scale with the cap;
  // but fflate copies its pending input on every push (quadratic on a stream that stalls), so not
  // too small either: 16 KiB .. 256 KiB.
  const step = Math.min(1 << 18, Math.max(1 << 14, Math.floor(maxBytes / 256)));
  try {
    for (let p = 0; p < input.length && !done; p += step) {
      const end = Math.min(input.length, p + step);
      stream.push(input.subarray(p, end), end === input.length);
    }
    if (input.length === 0) stream.push(input, true);
  } catch (e) {
    if (e instanceof EegFormatError) throw e;
    // Trailing bytes after a complete stream are tolerated; anything else is corruption.
    if (!done) throw new EegFormatError(format, file, `corrupt zlib stream (${(e as Error).message})`);
  }
  if (!done && total === 0) throw new EegFormatError(format, file, 'truncated zlib stream (no output)');
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Inflates only the first `n` bytes of a zlib stream (fewer when the stream is shorter), feeding
 * the input in small chunks and stopping as soon as `n` bytes are out: a cheap look at a
 * compressed element's header before deciding how much to inflate.
 *
 * @throws EegFormatError on a corrupt stream
 * @example
 * ```ts
 * const tag = inflatePrefix(zlibBytes, 8, 'mat5', 'a.mat'); // the inner element's tag
 * ```
 */
export function inflatePrefix(input: Uint8Array, n: number, format: EegFormatName, file: string | undefined): Uint8Array {
  const out = new Uint8Array(n);
  let total = 0;
  const stream = new Unzlib((chunk) => {
    const take = Math.min(chunk.length, n - total);
    if (take > 0) out.set(chunk.subarray(0, take), total);
    total += take;
  });
  // A real stream yields its first bytes within a few hundred input bytes (block header and
  // code tables): look at most 64 KiB in, in growing chunks.
  const limit = Math.min(input.length, 1 << 16);
  try {
    for (let p = 0, step = 256; p < limit && total < n; p += step, step *= 2) {
      const end = Math.min(limit, p + step);
      stream.push(input.subarray(p, end), end === input.length);
    }
  } catch (e) {
    if (total < n) throw new EegFormatError(format, file, `corrupt zlib stream (${(e as Error).message})`);
  }
  return out.subarray(0, total);
}
