import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { FormatError } from '@nnkit/tensor';
import type { RawImage } from '@nnkit/data';

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Name used in errors. Default `'<bytes>'`. */
  file?: string;
  /** Largest accepted width · height (guards against decompression bombs). Default 100 megapixels. */
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
    let png: PNG;
    try {
      png = PNG.sync.read(buf);
    } catch (e) {
      throw new FormatError('png', file, (e as Error).message, { cause: e });
    }
    if (png.width * png.height > maxPixels) throw new FormatError('png', file, `${png.width} × ${png.height} pixels exceed maxPixels ${maxPixels}`);
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), height: png.height, width: png.width, channels: 4 };
  }
  if (isJpeg(bytes)) {
    try {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 2048 });
      return { data: img.data, height: img.height, width: img.width, channels: 4 };
    } catch (e) {
      throw new FormatError('jpeg', file, (e as Error).message ?? String(e), { cause: e });
    }
  }
  throw new FormatError('image', file, `neither PNG nor JPEG (first bytes ${Array.from(bytes.subarray(0, 4), (v) => v.toString(16).padStart(2, '0')).join(' ')})`);
}
