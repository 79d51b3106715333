import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { FormatError, initBackend } from '@nnkit/tensor';
import { Generator, resize } from '@nnkit/data';
import { assertClose, readFixture } from '@nnkit/tooling-testing';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../node/decode-image.js';
import { imagenetTransform, rgb, trainTransform, transformBatch } from './imagenet.js';

beforeAll(async () => {
  await initBackend();
});

/** A w × h RGBA gradient. */
function pixels(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d.set([(x * 255) / (w - 1), (y * 255) / (h - 1), 77, 255], 4 * (y * w + x));
  return d;
}

describe('torchvision transforms on tensors (tooling/parity/generators/gen_vision.py)', () => {
  it('Resize (bilinear, no antialias) of the smaller edge and to a size match torchvision within 1e-5', () => {
    const fx = readFixture(import.meta.url, 'imagenet');
    const before = memory().numTensors;
    const a = resize(fx.get('in.img'), 20);
    assertClose(a, fx.get('out.resize20'), { atol: 1e-5, name: 'Resize(20)' });
    const b = resize(fx.get('in.img'), [15, 41]);
    assertClose(b, fx.get('out.resize_15x41'), { atol: 1e-5, name: 'Resize((15, 41))' });
    [a, b].forEach((t) => t.dispose());
    expect(memory().numTensors).toBe(before);
    fx.dispose();
  });

  it('imagenetTransform = torchvision ImageClassification (resize → centre crop → normalise)', () => {
    const fx = readFixture(import.meta.url, 'imagenet');
    const y = imagenetTransform({ resizeSize: 24, cropSize: 20 })(fx.get('in.img'));
    expect(y.shape).toEqual([3, 20, 20]);
    assertClose(y, fx.get('out.preset_24_20'), { atol: 1e-5, name: 'ImageClassification(20, 24)' });
    y.dispose();
    fx.dispose();
  });

  it('the default is Inception v3’s 342 → 299, from RGBA bytes', () => {
    const y = imagenetTransform()({ data: pixels(400, 320), height: 320, width: 400, channels: 4 });
    expect(y.shape).toEqual([3, 299, 299]);
    y.dispose();
  });

  it('trainTransform crops and flips reproducibly with a seeded generator; transformBatch stacks', () => {
    const img = { data: pixels(64, 48), height: 48, width: 64, channels: 4 };
    const a = trainTransform({ size: 32, generator: new Generator(3) })(img);
    const b = trainTransform({ size: 32, generator: new Generator(3) })(img);
    expect(a.shape).toEqual([3, 32, 32]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const batch = transformBatch([img, img], imagenetTransform({ resizeSize: 40, cropSize: 32 }));
    expect(batch.shape).toEqual([2, 3, 32, 32]);
    [a, b, batch].forEach((t) => t.dispose());
  });

  it('rgb drops alpha and expands grey', () => {
    expect(Array.from(rgb({ data: Uint8Array.from([1, 2, 3, 4]), height: 1, width: 1 }).data)).toEqual([1, 2, 3]);
    expect(Array.from(rgb({ data: Uint8Array.from([9]), height: 1, width: 1 }).data)).toEqual([9, 9, 9]);
  });
});

describe('decodeImage (Node: pngjs, jpeg-js)', () => {
  it('decodes a PNG exactly and a JPEG within its compression error', () => {
    const src = pixels(23, 17);
    const png = new PNG({ width: 23, height: 17 });
    png.data = Buffer.from(src);
    const p = decodeImage(new Uint8Array(PNG.sync.write(png)));
    expect([p.width, p.height, p.channels]).toEqual([23, 17, 4]);
    expect(Array.from(p.data)).toEqual(Array.from(src));
    const jpg = jpeg.encode({ data: Buffer.from(src), width: 23, height: 17 }, 95);
    const j = decodeImage(new Uint8Array(jpg.data), { file: 'x.jpg' });
    expect([j.width, j.height]).toEqual([23, 17]);
    let worst = 0;
    for (let i = 0; i < src.length; i++) worst = Math.max(worst, Math.abs(j.data[i]! - src[i]!));
    expect(worst).toBeLessThan(24);
  });

  it('refuses other bytes and truncated files with a FormatError naming the file', () => {
    expect(() => decodeImage(Uint8Array.from([1, 2, 3, 4]), { file: 'a.gif' })).toThrow(FormatError);
    expect(() => decodeImage(Uint8Array.from([1, 2, 3, 4]), { file: 'a.gif' })).toThrow(/a\.gif: neither PNG nor JPEG/);
    const png = new PNG({ width: 8, height: 8 });
    png.data = Buffer.from(pixels(8, 8));
    const bytes = new Uint8Array(PNG.sync.write(png));
    expect(() => decodeImage(bytes.subarray(0, 40), { file: 'cut.png' })).toThrow(/^png: cut\.png: /);
    const jpg = new Uint8Array(jpeg.encode({ data: Buffer.from(pixels(8, 8)), width: 8, height: 8 }, 90).data);
    expect(() => decodeImage(jpg.subarray(0, 30), { file: 'cut.jpg' })).toThrow(FormatError);
  });
});
