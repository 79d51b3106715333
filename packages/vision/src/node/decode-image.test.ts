// Regression tests for what the image fuzz target (tooling/fuzz) found: sizes declared in a
// header that the file's bytes cannot hold made the decoders allocate and loop over them.
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { FormatError } from '@nnkit/tensor';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.js';

/** A PNG chunk with its CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
/** A valid-looking RGBA PNG declaring `w × h` with the given IDAT payload. */
function png(w: number, h: number, idat: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}
/** A small baseline JPEG whose frame header then declares `w × h`. */
function jpegDeclaring(w: number, h: number): Uint8Array {
  const b = new Uint8Array(jpeg.encode({ data: Buffer.alloc(16 * 12 * 4, 100), width: 16, height: 12 }, 80).data);
  for (let i = 2; i + 9 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xc0) {
      const v = new DataView(b.buffer, b.byteOffset);
      v.setUint16(i + 5, h);
      v.setUint16(i + 7, w);
      return b;
    }
  }
  throw new Error('no SOF0 in the encoded JPEG');
}

describe('decodeImage: declared sizes the bytes cannot hold', () => {
  it('a 100-byte PNG declaring 5000 × 5000 pixels is a FormatError before pngjs allocates (was a 100 MB buffer)', () => {
    const bytes = png(5000, 5000, new Uint8Array(deflateSync(new Uint8Array(10))));
    const t0 = performance.now();
    expect(() => decodeImage(bytes, { file: 'bomb.png' })).toThrow(FormatError);
    expect(() => decodeImage(bytes, { file: 'bomb.png' })).toThrow(/^png: bomb\.png: 5000 × 5000 pixels need .* IDAT/);
    expect(performance.now() - t0).toBeLessThan(5000); // hang guard, not a speed target
  });

  it('a 600-byte JPEG declaring 5000 × 5000 pixels is a FormatError (was 35 s and 800 MiB in jpeg-js)', () => {
    const bytes = jpegDeclaring(5000, 5000);
    const t0 = performance.now();
    expect(() => decodeImage(bytes, { file: 'bomb.jpg' })).toThrow(/^jpeg: bomb\.jpg: 5000 × 5000 pixels cannot be coded in \d+ bytes/);
    expect(performance.now() - t0).toBeLessThan(5000); // hang guard
  });

  it('a declared size over maxPixels, or an empty one, is refused from the header', () => {
    expect(() => decodeImage(png(40000, 40000, new Uint8Array(8)), { file: 'a.png' })).toThrow(/40000 × 40000 pixels exceed maxPixels/);
    expect(() => decodeImage(png(0, 7, new Uint8Array(8)), { file: 'a.png' })).toThrow(/an empty image/);
    expect(() => decodeImage(jpegDeclaring(300, 300), { file: 'a.jpg', maxPixels: 1000 })).toThrow(/exceed maxPixels 1000/);
  });

  it('still decodes a highly compressed legitimate image (1000 × 1000 of one colour)', () => {
    const p = new PNG({ width: 1000, height: 1000 });
    p.data.fill(0);
    const bytes = new Uint8Array(PNG.sync.write(p, { deflateLevel: 9 }));
    expect(bytes.length).toBeLessThan(10_000); // > 400:1
    const img = decodeImage(bytes, { file: 'flat.png' });
    expect([img.width, img.height]).toEqual([1000, 1000]);
  });
});
