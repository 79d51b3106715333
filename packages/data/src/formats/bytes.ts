import { EegFormatError, type EegFormatName } from './errors.js';

/** Bytes accepted by every reader: a `Uint8Array` view or a whole `ArrayBuffer`. */
export type BytesLike = Uint8Array | ArrayBuffer;

/** Options shared by the readers. */
export interface ReadOptions {
  /** File name used in error messages. */
  file?: string;
}

/**
 * Normalises {@link BytesLike} to a `Uint8Array` view (no copy).
 *
 * @example
 * ```ts
 * const u8 = asBytes(arrayBuffer);
 * ```
 */
export function asBytes(b: BytesLike): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

/** Decodes bytes as latin1 (ISO-8859-1): every byte maps to one code point. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  const stop = Math.min(end, b.length);
  for (let i = start; i < stop; i += 4096) {
    s += String.fromCharCode(...b.subarray(i, Math.min(stop, i + 4096)));
  }
  return s;
}

/** A bounds-checked cursor over little-/big-endian bytes that throws {@link EegFormatError}. */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly format: EegFormatName;
  readonly file: string | undefined;
  littleEndian: boolean;

  constructor(bytes: Uint8Array, format: EegFormatName, file: string | undefined, littleEndian = true) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.format = format;
    this.file = file;
    this.littleEndian = littleEndian;
  }

  /** Throws an {@link EegFormatError} with this reader's file and format. */
  fail(reason: string): never {
    throw new EegFormatError(this.format, this.file, reason);
  }

  /** Checks that `[offset, offset + n)` lies inside the bytes. */
  need(offset: number, n: number, what: string): void {
    if (!Number.isFinite(offset) || !Number.isFinite(n) || offset < 0 || n < 0 || offset + n > this.bytes.length) {
      this.fail(`${what}: needs bytes ${offset}..${offset + n} but the file has ${this.bytes.length} (truncated or corrupt)`);
    }
  }

  u8(o: number): number { this.need(o, 1, 'u8'); return this.view.getUint8(o); }
  u16(o: number): number { this.need(o, 2, 'u16'); return this.view.getUint16(o, this.littleEndian); }
  i16(o: number): number { this.need(o, 2, 'i16'); return this.view.getInt16(o, this.littleEndian); }
  u32(o: number): number { this.need(o, 4, 'u32'); return this.view.getUint32(o, this.littleEndian); }
  i32(o: number): number { this.need(o, 4, 'i32'); return this.view.getInt32(o, this.littleEndian); }
  f32(o: number): number { this.need(o, 4, 'f32'); return this.view.getFloat32(o, this.littleEndian); }
  f64(o: number): number { this.need(o, 8, 'f64'); return this.view.getFloat64(o, this.littleEndian); }
  /** Unsigned 64-bit value as a number (exact below 2^53; larger values become unsafe and are rejected by callers). */
  u64(o: number): number {
    this.need(o, 8, 'u64');
    const lo = this.view.getUint32(o, this.littleEndian);
    const hi = this.view.getUint32(o + 4, this.littleEndian);
    return this.littleEndian ? hi * 2 ** 32 + lo : lo * 2 ** 32 + hi;
  }
  /** Signed 64-bit value as a number. */
  i64(o: number): number {
    this.need(o, 8, 'i64');
    return Number(this.view.getBigInt64(o, this.littleEndian));
  }
  /** latin1 text of `n` bytes at `o`, trailing spaces and NULs trimmed. */
  text(o: number, n: number): string {
    this.need(o, n, 'text');
    return latin1(this.bytes, o, o + n).replace(/[\s\0]+$/u, '');
  }
}
