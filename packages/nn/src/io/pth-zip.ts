import { inflateSync } from 'fflate';
import { PthError } from './pth-error.js';

/** One record of a zip archive, located and validated but not yet read. */
export interface ZipRecord {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the (compressed) bytes in the archive. */
  start: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Whether `bytes` start like a zip archive (`PK\x03\x04`, or an empty archive `PK\x05\x06`). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/**
 * Reads the central directory of a zip archive. Every count, size and offset is checked against
 * the bytes (so hostile archives cost bounded time and no allocation beyond the entry list).
 * fflate's `unzipSync` trusts the directory (it allocates declared sizes and can loop on a zip64
 * record without its extra field), hence this reader; fflate inflates deflated records.
 */
export function readZipDirectory(bytes: Uint8Array, file?: string): Map<string, ZipRecord> {
  const bad = (why: string): PthError => new PthError('invalid_zip', `zip archive: ${why}`, file);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const u64 = (o: number): number => {
    const v = dv.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`64-bit field ${v} at offset ${o} is too large`);
    return Number(v);
  };
  const n = bytes.length;
  if (n < 22) throw bad(`${n} bytes is shorter than an end-of-directory record (22 bytes)`);
  let eocd = -1;
  for (let o = n - 22; o >= Math.max(0, n - 22 - 0xffff); o--) {
    if (u32(o) === EOCD && o + 22 + u16(o + 20) <= n) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) throw bad('no end-of-central-directory record (truncated file?)');
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) throw new PthError('unsupported_zip', 'multi-disk zip archives are not supported', file);
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== LOCATOR64) throw bad('zip64 fields without a zip64 locator');
    const z = u64(loc + 8);
    if (z + 56 > loc || u32(z) !== EOCD64) throw bad(`zip64 end record offset ${z} is invalid`);
    count = u64(z + 32);
    cdSize = u64(z + 40);
    cdOffset = u64(z + 48);
    cdEnd = z;
  }
  if (cdOffset + cdSize > cdEnd) throw bad(`central directory [${cdOffset}, ${cdOffset + cdSize}) runs past its end record at ${cdEnd}`);
  if (count * 46 > cdSize) throw bad(`${count} entries cannot fit in a ${cdSize}-byte central directory`);
  const records = new Map<string, ZipRecord>();
  const names = new TextDecoder('utf-8');
  let p = cdOffset;
  const end = cdOffset + cdSize;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || u32(p) !== CENTRAL) throw bad(`central directory entry ${i} at offset ${p} is invalid`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let local = u32(p + 42);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > end) throw bad(`central directory entry ${i} runs past the directory`);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (size === 0xffffffff || compressedSize === 0xffffffff || local === 0xffffffff) {
      // zip64 extended information: the 8-byte fields present are those whose 32-bit field is all ones.
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      let found = false;
      while (e + 4 <= eEnd) {
        const id = u16(e);
        const len = u16(e + 2);
        if (e + 4 + len > eEnd) break;
        if (id === 1) {
          let q = e + 4;
          const take = (): number => {
            if (q + 8 > e + 4 + len) throw bad(`zip64 extra field of '${name}' is too short`);
            const v = u64(q);
            q += 8;
            return v;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (local === 0xffffffff) local = take();
          found = true;
          break;
        }
        e += 4 + len;
      }
      if (!found) throw bad(`entry '${name}' has zip64 sizes but no zip64 extra field`);
    }
    if (flags & 1) throw new PthError('unsupported_zip', `entry '${name}' is encrypted`, file);
    if (local + 30 > cdOffset || u32(local) !== LOCAL) throw bad(`local header of '${name}' at offset ${local} is invalid`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + compressedSize > cdOffset) {
      throw bad(`data of '${name}' [${start}, ${start + compressedSize}) runs past the central directory at ${cdOffset}`);
    }
    if (method === 0 && compressedSize !== size) throw bad(`stored entry '${name}' has sizes ${compressedSize} ≠ ${size}`);
    records.set(name, { name, method, crc, compressedSize, size, start });
    p = next;
  }
  return records;
}

let crcTables: Uint32Array[] | undefined;
/** CRC-32 (zip's), slicing by 8 bytes: ~8× the byte-at-a-time loop on 100 MB checkpoints. */
function crc32(data: Uint8Array): number {
  if (!crcTables) {
    const t0 = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t0[i] = c >>> 0;
    }
    crcTables = [t0];
    for (let k = 1; k < 8; k++) {
      const prev = crcTables[k - 1]!;
      const t = new Uint32Array(256);
      for (let i = 0; i < 256; i++) t[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
      crcTables.push(t);
    }
  }
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crcTables as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = 0xffffffff;
  let i = 0;
  const n8 = data.length - (data.length % 8);
  for (; i < n8; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c = t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^
      t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The bytes of one record: a view for stored records (no copy), inflated by fflate for deflated
 * ones (after checking the declared size against `maxBytes`). With `verify`, checks the CRC-32.
 */
export function readZipRecord(bytes: Uint8Array, rec: ZipRecord, maxBytes: number, verify: boolean, file?: string): Uint8Array {
  if (rec.size > maxBytes) throw new PthError('too_large', `record '${rec.name}' declares ${rec.size} bytes, above the limit of ${maxBytes}`, file);
  const raw = bytes.subarray(rec.start, rec.start + rec.compressedSize);
  let out: Uint8Array;
  if (rec.method === 0) out = raw;
  else if (rec.method === 8) {
    // deflate expands at most 1032:1, so a larger declared size is a lie (checked before allocating)
    if (rec.size > rec.compressedSize * 1032 + 1024) {
      throw new PthError('invalid_zip', `record '${rec.name}' declares ${rec.size} bytes, more than ${rec.compressedSize} deflated bytes can hold`, file);
    }
    try {
      out = inflateSync(raw, { out: new Uint8Array(rec.size) });
    } catch (e) {
      throw new PthError('invalid_zip', `record '${rec.name}' does not inflate (${(e as Error).message})`, file);
    }
    if (out.length !== rec.size) throw new PthError('invalid_zip', `record '${rec.name}' inflates to ${out.length} bytes, the directory says ${rec.size}`, file);
  } else throw new PthError('unsupported_zip', `record '${rec.name}' uses compression method ${rec.method} (only stored and deflate are read)`, file);
  if (verify && crc32(out) !== rec.crc) throw new PthError('crc_mismatch', `record '${rec.name}' fails its CRC-32 check (corrupt file)`, file);
  return out;
}
