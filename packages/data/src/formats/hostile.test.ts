// Regression tests for hostile inputs the fuzz suite (tooling/fuzz) found: each must end in a
// typed EegFormatError within a second, never a crash, a hang or a huge allocation.
import { deflateRawSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EegFormatError } from './errors.js';
import { readGdf } from './gdf.js';
import { readMat5 } from './mat5.js';
import { nodeInflater } from '../node/read-file-bytes.js';

/** One MAT v5 data element: tag + payload padded to 8 bytes. */
function el(type: number, payload: Uint8Array, declared = payload.length): Uint8Array {
  const out = new Uint8Array(8 + Math.ceil(payload.length / 8) * 8);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, declared, true);
  out.set(payload, 8);
  return out;
}
const u32 = (...xs: number[]): Uint8Array => new Uint8Array(Uint32Array.from(xs).buffer);
const i32 = (...xs: number[]): Uint8Array => new Uint8Array(Int32Array.from(xs).buffer);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
/** An miMATRIX element of class `cls` with `dims` and name `x`, followed by `rest`. */
const matrix = (cls: number, dims: number[], ...rest: Uint8Array[]): Uint8Array =>
  el(14, cat(el(6, u32(cls, 0)), el(5, i32(...dims)), el(1, new TextEncoder().encode('x')), ...rest));
/** A MAT v5 file (little-endian) holding `elements`. */
function mat5(...elements: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, hostile test'));
  header.set([0, 1, 0x49, 0x4d], 124);
  return cat(header, ...elements);
}
/** A zlib stream (header + `blocks` + final empty block + adler32) of `size` zero bytes. */
function zlibOf(blocks: Uint8Array[], adlerA: number, adlerB: number): Uint8Array {
  const trailer = new Uint8Array(4);
  new DataView(trailer.buffer).setUint32(0, ((adlerB << 16) | adlerA) >>> 0, false);
  return cat(new Uint8Array([0x78, 0xda]), ...blocks, new Uint8Array([0x03, 0x00]), trailer);
}
/** `n` MiB of zeros as repeated byte-aligned deflate blocks (a 1 MiB block repeated): ~1 KB per MiB. */
function zeroBlocks(mib: number): Uint8Array[] {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  return Array.from({ length: mib }, () => new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
}

function expectTypedFast(read: () => unknown, reason: RegExp): void {
  const t0 = performance.now();
  let err: unknown;
  try {
    read();
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(10_000); // a hang guard (the defects took 12–30 s or never ended), not a speed target
  expect(err).toBeInstanceOf(EegFormatError);
  expect((err as EegFormatError).file).toBe('hostile.mat');
  expect((err as Error).message).toMatch(reason);
}

describe('MAT v5 reader on hostile input', () => {
  it('refuses a char array declaring dims [2^31-1, 0] with no data (was a V8 fatal error)', () => {
    const b = mat5(matrix(4, [2 ** 31 - 1, 0], el(16, new Uint8Array(0))));
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat' }), /empty rows/);
  });

  it('still reads a small 0-column char array as empty strings', () => {
    const m = readMat5(mat5(matrix(4, [3, 0], el(16, new Uint8Array(0)))));
    expect(m.variables.x).toEqual({ class: 'char', dims: [3, 0], text: ['', '', ''] });
  });

  it('refuses a struct with 0 fields and dims [2^31-1, 2^31-1] (ran > 30 s)', () => {
    const b = mat5(matrix(2, [2 ** 31 - 1, 2 ** 31 - 1], el(5, i32(1)), el(1, new Uint8Array(0))));
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat' }), /no fields but declares|more elements than can be addressed/);
  });

  it('refuses a struct with 0 fields and 2^33 elements', () => {
    const b = mat5(matrix(2, [2 ** 31 - 1, 4], el(5, i32(1)), el(1, new Uint8Array(0))));
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat' }), /no fields but declares/);
  });

  it('refuses char data that is not a code point (was an untyped RangeError: Invalid code point)', () => {
    const b = mat5(matrix(4, [1, 2], el(6, u32(65, 0x7fffffff))));
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat' }), /not a Unicode code point/);
  });

  it('refuses dimensions whose product cannot be addressed', () => {
    const b = mat5(matrix(6, [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1], el(9, new Uint8Array(0))));
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat' }), /more elements than can be addressed/);
  });

  const bomb = (): Uint8Array => {
    // 512 MiB of zeros from ~0.5 MB: the inner "element" is all zeros (tag of 8 bytes), the
    // stream goes on for 512 MiB — accepted after 12 s before.
    const z = zlibOf(zeroBlocks(512), 1, (512 * (1 << 20)) % 65521);
    expect(z.length).toBeLessThan(600_000);
    return mat5(el(15, z));
  };

  it('stops a zlib bomb after the inner element it declares (fflate)', () => {
    const b = bomb();
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat' }), /inflates to more than 8 bytes/);
  });

  it('stops a zlib bomb after the inner element it declares (node:zlib)', async () => {
    const b = bomb();
    const inflate = (await nodeInflater())!;
    expectTypedFast(() => readMat5(b, { file: 'hostile.mat', inflate }), /compressed element at byte 128/);
  });

  it('refuses an inner element declaring 512 MiB from 0.5 MB before inflating it', () => {
    const head = matrix(6, [8192, 8192]).subarray(0, 48);
    const tag = el(9, new Uint8Array(0), 512 * (1 << 20));
    const inner = cat(head, tag.subarray(0, 8));
    new DataView(inner.buffer).setUint32(4, inner.length - 8 + 512 * (1 << 20), true);
    const first = deflateRawSync(Buffer.from(inner), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
    const z = zlibOf([new Uint8Array(first), ...zeroBlocks(512)], 1, 0);
    expectTypedFast(() => readMat5(mat5(el(15, z)), { file: 'hostile.mat' }), /over the cap of/);
  });

  it('names the cap and inflates the element when maxInflatedBytes allows it', () => {
    const b = mat5(el(15, zlibOf(zeroBlocks(1), 1, (1 << 20) % 65521)));
    expect(() => readMat5(b, { maxInflatedBytes: 1 << 20 })).toThrow(EegFormatError);
  });
});

describe('GDF reader on hostile input', () => {
  it('returns at once for 0 samples per record on every channel and 2^50 records (hung)', () => {
    const ns = 2;
    const b = new Uint8Array(256 * (ns + 1));
    const v = new DataView(b.buffer);
    b.set(new TextEncoder().encode('GDF 2.20'));
    v.setUint16(184, ns + 1, true); // header length in 256-byte blocks
    v.setBigInt64(236, 2n ** 50n, true); // records
    v.setFloat64(244, 1, true); // record duration
    v.setUint16(252, ns, true);
    for (let i = 0; i < ns; i++) {
      v.setUint32(256 + 216 * ns + 4 * i, 0, true); // samples per record
      v.setUint32(256 + 220 * ns + 4 * i, 16, true); // float32
    }
    const t0 = performance.now();
    const raw = readGdf(b, { file: 'hostile.gdf' });
    expect(performance.now() - t0).toBeLessThan(10_000); // a hang guard (the defects took 12–30 s or never ended), not a speed target
    expect(raw.signals.map((s) => s.length)).toEqual([0, 0]);
  });
});
