import { ArgumentError } from '@nnkit/tensor';
import type { RawImage } from '@nnkit/data';

/** What {@link imageFromPixels} reads: anything a 2-D canvas can draw, or its `ImageData`. */
export type PixelSource = ImageData | HTMLImageElement | HTMLCanvasElement | ImageBitmap | OffscreenCanvas | HTMLVideoElement;

/**
 * Browser: the RGBA pixels of an `<img>`, `<canvas>`, `ImageBitmap`, `OffscreenCanvas`,
 * `<video>` frame or `ImageData` as a {@link RawImage} (HWC, 4 channels, 0–255), like
 * `tf.browser.fromPixels` but without registering anything; feed it to `imagenetTransform()`
 * (which drops alpha) or `@nnkit/data`'s `toTensor`. The image must be loaded (`await img.decode()`)
 * and same-origin (or CORS-enabled), or the canvas refuses to give its pixels.
 *
 * @example
 * ```ts
 * const img = document.querySelector('img')!;
 * await img.decode();
 * const x = imagenetTransform()(imageFromPixels(img)); // [3, 299, 299]
 * ```
 */
export function imageFromPixels(source: PixelSource): RawImage {
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
    return { data: source.data, height: source.height, width: source.width, channels: 4 };
  }
  const s = source as Exclude<PixelSource, ImageData>;
  const w = 'naturalWidth' in s ? s.naturalWidth : 'videoWidth' in s ? s.videoWidth : s.width;
  const h = 'naturalHeight' in s ? s.naturalHeight : 'videoHeight' in s ? s.videoHeight : s.height;
  if (!(w > 0 && h > 0)) throw new ArgumentError('imageFromPixels', `the source has no pixels yet (${w} × ${h}); wait for it to load (await img.decode())`);
  const canvas: OffscreenCanvas | HTMLCanvasElement = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (ctx === null) throw new ArgumentError('imageFromPixels', 'no 2-D canvas context is available in this environment');
  ctx.drawImage(s as CanvasImageSource, 0, 0, w, h);
  const data = ctx.getImageData(0, 0, w, h);
  return { data: data.data, height: h, width: w, channels: 4 };
}
