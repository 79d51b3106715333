import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { FormatError } from '@nnkit/tensor';
import type { RawImage } from '@nnkit/data';
import { jpegHeader, pngHeader } from './image-header.js';

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Name used in errors. Default `'<bytes>'`. */
  file?: string;
  /**
   * Largest accepted width · height (guards against decompression bombs). Default 100 megapixels.
   * Independently, a size the file's bytes cannot hold (a PNG's IDAT data expands at most 1032:1, a
   * JPEG scan costs at least a bit per 8 × 8 block) is refused before anything is allocated.
   */
  maxPixels?: number;
}

const isPng = (b: Uint8Array): boolean => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/**
 * Node: decodes PNG (`pngjs`) or JPEG (`jpeg-js`) bytes, told apart by their signature, into
 * a {@link RawImage}: HWC, 4 channels (RGBA, 0–255; 16-bit PNGs scaled to 8 bits). Feed it to
 * `imagenetTransform()` or `@nnkit/data`'s `toTensor`. Malformed or unsupported bytes raise a
 * `FormatError` naming the file.
 *
 * @example
 * ```ts
 * import { decodeImage } from '@nnkit/vision/node';
 * const img = decodeImage(readFileSync('cat.jpg'), { file: 'cat.jpg' }); // { data, height, width, channels: 4 }
 * const x = imagenetTransform()(img);                                     // [3, 299, 299]
 * ```
 */
export function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): RawImage {
  const file = opts.file ?? '<bytes>';
  const maxPixels = opts.maxPixels ?? 100e6;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isPng(bytes)) {
    // the declared size is checked before pngjs sizes its buffers from it
    pngHeader(bytes, file, maxPixels);
    let png: PNG;
    try {
      png = PNG.sync.read(buf);
    } catch (e) {
      throw new FormatError('png', file, (e as Error)?.message ?? String(e), { cause: e });
    }
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), height: png.height, width: png.width, channels: 4 };
  }
  if (isJpeg(bytes)) {
    const h = jpegHeader(bytes, file, maxPixels);
    // RGBA output plus jpeg-js's per-component planes: ~8 bytes a pixel, and its tables
    const mib = Math.ceil((8 * (h ? h.width * h.height : 0)) / 2 ** 20) + 64;
    try {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.min(2048, mib) });
      return { data: img.data, height: img.height, width: img.width, channels: 4 };
    } catch (e) {
      throw new FormatError('jpeg', file, (e as Error)?.message ?? String(e), { cause: e });
    }
  }
  throw new FormatError('image', file, `neither PNG nor JPEG (first bytes ${Array.from(bytes.subarray(0, 4), (v) => v.toString(16).padStart(2, '0')).join(' ')})`);
}
