// Fuzz targets for the CSV reader (the digits file, plain or gzip; iris.csv as a foreign CSV) and
// the image decoder (`decodeImage` at `@nnkit/vision/node`: PNG and JPEG). Seeds: the real files in
// ../shared/data and small images made here (nothing big is committed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { decodeImage, readDigitsCsv } from '@nnkit/vision/node';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { concat, mutate, type Rng } from './mutator.js';
import type { Input, Target } from './targets.js';

const one = (name: string, bytes: Uint8Array): Input => ({ [name]: bytes });
const only = (i: Input): [string, Uint8Array] => Object.entries(i)[0]!;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** A digits row: 64 pixels and a label. */
const row = (px: number | string, label: number | string): string => `${Array(64).fill(px).join(',')},${label}`;

/** The CSV target: `readDigitsCsv` on plain or gzip bytes. */
export function csvTarget(sharedData: string): Target {
  return {
    name: 'csv',
    async seeds() {
      const seeds: Input[] = [];
      const iris = join(sharedData, 'iris.csv');
      const digits = join(sharedData, 'digits.csv.gz');
      if (existsSync(digits)) {
        const gz = new Uint8Array(readFileSync(digits));
        seeds.push(one(digits, gz));
        // the first 120 rows as plain text, and gzipped again (small: mutations reach the rows)
        const text = new TextDecoder().decode(gunzipSync(gz)).split('\n').slice(0, 120).join('\n');
        seeds.push(one('digits-120.csv', enc(`${text}\n`)), one('digits-120.csv.gz', new Uint8Array(gzipSync(enc(`${text}\n`)))));
      }
      if (existsSync(iris)) seeds.push(one(iris, new Uint8Array(readFileSync(iris))));
      seeds.push(one('made.csv', enc(`${row(0, 0)}\n${row(16, 9)}\r\n${row('3.5', 4)}\n`)));
      return seeds;
    },
    crafted: () => [
      one('empty.csv', new Uint8Array()),
      one('bomb.csv.gz', new Uint8Array(gzipSync(new Uint8Array(80 * 2 ** 20), { level: 9 }))), // 80 MiB of zeros in ~80 KB
      one('bomb-text.csv.gz', new Uint8Array(gzipSync(enc(`${row(0, 0)}\n`.repeat(80_000)), { level: 9 }))), // 10 MB of valid rows: over the cap
      one('truncated.csv.gz', new Uint8Array(gzipSync(enc(`${row(1, 1)}\n`))).subarray(0, 20)),
      one('gzip-magic.csv.gz', Uint8Array.from([0x1f, 0x8b])),
      one('invalid-utf8.csv', concat(enc(row(1, 1)), Uint8Array.from([0xff, 0xfe, 0x0a]))),
      one('empty-fields.csv', enc(`${',' .repeat(64)}\n`)),
      one('label-10.csv', enc(`${row(1, 10)}\n`)),
      one('label-fraction.csv', enc(`${row(1, 1.5)}\n`)),
      one('label-negative.csv', enc(`${row(1, -1)}\n`)),
      one('pixel-17.csv', enc(`${row(17, 1)}\n`)),
      one('pixel-nan.csv', enc(`${row('NaN', 1)}\n`)),
      one('pixel-hex.csv', enc(`${row('0x10', 1)}\n`)),
      one('pixel-infinity.csv', enc(`${row('1e309', 1)}\n`)),
      one('wide.csv', enc(`${Array(1_000_000).fill(1).join(',')}\n`)),
      one('many-lines.csv', enc('\n'.repeat(1_000_000))),
      one('bom.csv', concat(Uint8Array.from([0xef, 0xbb, 0xbf]), enc(`${row(1, 1)}\n`))),
    ],
    mutate(seed, rng) {
      const [name, b] = only(seed);
      if (isGzip(b) && rng.next() < 0.6) {
        // mutate the text inside the gzip stream and compress it again
        const inner = new Uint8Array(gunzipSync(b));
        return one(name, new Uint8Array(gzipSync(mutate(inner, rng, { hot: inner.length }), { level: 1 })));
      }
      return one(name, mutate(b, rng, { hot: b.length }));
    },
    async run(i) {
      const [f, b] = only(i);
      return readDigitsCsv(b, { file: f });
    },
    fileOf: (i) => only(i)[0],
    nonsense(r) {
      const d = r as { pixels: Float32Array; labels: Int32Array };
      if (d.pixels.length !== 64 * d.labels.length) return `${d.pixels.length} pixels for ${d.labels.length} labels`;
      const px = d.pixels.findIndex((v) => !(v >= 0 && v <= 16));
      if (px >= 0) return `pixel ${px} is ${d.pixels[px]}`;
      const l = d.labels.findIndex((v) => !(v >= 0 && v <= 9));
      return l >= 0 ? `label ${l} is ${d.labels[l]}` : undefined;
    },
  };
}

/** A PNG chunk with its CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(enc(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A PNG from its IHDR fields and raw (filtered) scanlines. */
function pngOf(w: number, h: number, depth: number, colorType: number, interlace: number, raw: Uint8Array, extra: Uint8Array[] = []): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  ihdr.set([depth, colorType, 0, 0, interlace], 8);
  return concat(PNG_SIGNATURE, chunk('IHDR', ihdr), ...extra, chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array()));
}
/** Raw scanlines (filter 0) of an Adam7-interlaced RGBA8 image: pass sizes as in the PNG spec. */
function adam7Raw(w: number, h: number): Uint8Array {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
  let n = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0) / dx);
    const ph = Math.ceil((h - y0) / dy);
    if (pw > 0 && ph > 0) n += ph * (1 + 4 * pw);
  }
  return Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
}
/** Recomputes every chunk's CRC (so that a mutation reaches the decoder past pngjs's CRC check). */
function fixCrcs(b: Uint8Array): Uint8Array {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 8; p + 12 <= b.length; ) {
    const len = v.getUint32(p);
    if (p + 12 + len > b.length) break;
    v.setUint32(p + 8 + len, crc32(b.subarray(p + 4, p + 8 + len)));
    p += 12 + len;
  }
  return b;
}
/** Mutates the inflated IDAT data of a PNG and compresses it again (one IDAT chunk). */
function mutateIdat(b: Uint8Array, rng: Rng): Uint8Array | undefined {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const parts: Uint8Array[] = [];
  const idat: Uint8Array[] = [];
  let at = -1;
  for (let p = 8; p + 12 <= b.length; ) {
    const len = v.getUint32(p);
    if (p + 12 + len > b.length) return undefined;
    const type = String.fromCharCode(...b.subarray(p + 4, p + 8));
    if (type === 'IDAT') {
      if (at < 0) at = parts.length;
      idat.push(b.subarray(p + 8, p + 8 + len));
    } else parts.push(b.subarray(p, p + 12 + len));
    p += 12 + len;
  }
  if (at < 0) return undefined;
  let inner: Uint8Array;
  try {
    inner = new Uint8Array(inflateSync(concat(...idat)));
  } catch {
    return undefined;
  }
  parts.splice(at, 0, chunk('IDAT', new Uint8Array(deflateSync(mutate(inner, rng, { hot: inner.length }), { level: 1 }))));
  return concat(PNG_SIGNATURE, ...parts);
}

/** Small seed images: PNG (RGBA8, RGB8, grey 16-bit, palette, Adam7-interlaced) and baseline JPEG. */
function seedImages(): Input[] {
  const px = (w: number, h: number, c = 4): Buffer => Buffer.from(Uint8Array.from({ length: w * h * c }, (_, i) => (i * 29 + (i >> 4) * 7) & 0xff));
  const rgba = new PNG({ width: 16, height: 12 });
  rgba.data = px(16, 12);
  const rgb = new PNG({ width: 9, height: 7, colorType: 2 });
  rgb.data = px(9, 7);
  const grey16 = new PNG({ width: 11, height: 5, colorType: 0, bitDepth: 16 });
  grey16.data = px(11, 5);
  const palRaw = Uint8Array.from({ length: 6 * (1 + 8) }, (_, i) => (i % 9 === 0 ? 0 : i % 4));
  const palette = chunk('PLTE', Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]));
  const trns = chunk('tRNS', Uint8Array.from([255, 128, 0, 255]));
  return [
    one('rgba8.png', new Uint8Array(PNG.sync.write(rgba))),
    one('rgb8.png', new Uint8Array(PNG.sync.write(rgb, { colorType: 2, inputHasAlpha: true }))),
    one('grey16.png', new Uint8Array(PNG.sync.write(grey16, { colorType: 0, bitDepth: 16, inputHasAlpha: true }))),
    one('palette.png', pngOf(8, 6, 8, 3, 0, palRaw, [palette, trns])),
    one('interlaced.png', pngOf(13, 9, 8, 6, 1, adam7Raw(13, 9))),
    one('q80.jpg', new Uint8Array(jpeg.encode({ data: px(16, 12), width: 16, height: 12 }, 80).data)),
    one('q30.jpg', new Uint8Array(jpeg.encode({ data: px(33, 17), width: 33, height: 17 }, 30).data)),
  ];
}

/** The image target: `decodeImage` on PNG and JPEG bytes. */
export function imageTarget(): Target {
  let seeds: Input[] | undefined;
  return {
    name: 'image',
    async seeds() {
      seeds ??= seedImages();
      return seeds;
    },
    crafted() {
      const ihdr = (w: number, h: number, depth = 8, color = 6, interlace = 0, raw = new Uint8Array(16)): Input => one(`${w}x${h}-d${depth}-c${color}-i${interlace}.png`, pngOf(w, h, depth, color, interlace, raw));
      const jpg = new Uint8Array(jpeg.encode({ data: Buffer.alloc(16 * 12 * 4, 100), width: 16, height: 12 }, 80).data);
      const sof = jpg.findIndex((v, i) => v === 0xff && jpg[i + 1] === 0xc0);
      const jpegDims = (w: number, h: number, marker = 0xc0): Input => {
        const b = jpg.slice();
        const v = new DataView(b.buffer);
        b[sof + 1] = marker;
        v.setUint16(sof + 5, h);
        v.setUint16(sof + 7, w);
        return one(`${w}x${h}-sof${marker.toString(16)}.jpg`, b);
      };
      return [
        ihdr(5000, 5000), ihdr(40000, 40000), ihdr(0x7fffffff, 1), ihdr(1, 0x7fffffff), ihdr(0, 10), ihdr(0xffffffff, 0xffffffff),
        ihdr(3000, 3000, 8, 6, 1), ihdr(100, 100, 16, 6, 0), ihdr(10, 10, 3, 6, 0), ihdr(10, 10, 8, 9, 0), ihdr(10, 10, 8, 3, 0),
        // an interlaced zlib bomb: 64 MiB of zeros declared as a 4096 × 4096 image
        one('bomb-interlaced.png', pngOf(4096, 4096, 8, 6, 1, new Uint8Array(64 * 2 ** 20))),
        jpegDims(5000, 5000), jpegDims(65535, 65535), jpegDims(0, 12), jpegDims(12, 0), jpegDims(2000, 2000, 0xc2), jpegDims(16, 12, 0xc3), jpegDims(16, 12, 0xc9),
        one('soi-only.jpg', Uint8Array.from([0xff, 0xd8, 0xff])),
        one('png-signature-only.png', PNG_SIGNATURE.slice()),
        one('jpeg-markers-loop.jpg', concat(Uint8Array.from([0xff, 0xd8]), new Uint8Array(100_000).fill(0xff))),
      ];
    },
    mutate(seed, rng) {
      const [name, b] = only(seed);
      if (name.endsWith('.png')) {
        const r = rng.next();
        if (r < 0.35) {
          const m = mutateIdat(b, rng);
          if (m) return one(name, m);
        }
        const m = mutate(b, rng, { hot: 64 });
        return one(name, r < 0.85 ? fixCrcs(m) : m);
      }
      return one(name, mutate(b, rng, { hot: Math.min(b.length, 700) }));
    },
    async run(i) {
      const [f, b] = only(i);
      return decodeImage(b, { file: f });
    },
    fileOf: (i) => only(i)[0],
    nonsense(r) {
      const img = r as { data: Uint8Array; width: number; height: number; channels: number };
      return img.data.length === img.width * img.height * img.channels ? undefined : `${img.data.length} bytes for ${img.width} × ${img.height} × ${img.channels}`;
    },
  };
}
