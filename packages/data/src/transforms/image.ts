import { type Tensor4D, Tensor, concat, fill, image, reverse, slice, sub, div, tensor, tidy, transpose, reshape, cast } from '@tensorflow/tfjs-core';
import { type Generator, defaultGenerator } from '../core/generator.js';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

/** ImageNet channel means (RGB), the torchvision default for pretrained models. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet channel standard deviations (RGB). */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

function checkImage(x: Tensor, who: string): void {
  if (x.rank !== 3 && x.rank !== 4) throw new ShapeError(who, '[C, H, W] (an image) or [B, C, H, W] (a batch)', x.shape);
}

function hw(x: Tensor): [number, number] {
  return [x.shape[x.rank - 2]!, x.shape[x.rank - 1]!];
}

function pySize(size: number | readonly [number, number]): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/**
 * Bilinear resize with `align_corners=False` (half-pixel centres, no antialiasing), like
 * `torch.nn.functional.interpolate(x, size, mode='bilinear', align_corners=False)` and
 * torchvision's `Resize` on tensors. A single number resizes the SMALLER edge to it,
 * keeping the aspect ratio (torchvision's rule).
 *
 * @param x - `[C, H, W]` or `[B, C, H, W]` float
 * @example `resize(img, [224, 224])` // [3, 300, 400] → [3, 224, 224]
 */
export function resize(x: Tensor, size: number | readonly [number, number]): Tensor {
  checkImage(x, 'resize');
  const [h, w] = hw(x);
  let oh: number;
  let ow: number;
  if (typeof size === 'number') {
    if (h <= w) [oh, ow] = [size, Math.floor((size * w) / h)];
    else [oh, ow] = [Math.floor((size * h) / w), size];
  } else [oh, ow] = pySize(size);
  if (!(oh > 0 && ow > 0)) throw new ArgumentError('resize', `output size must be positive, got [${oh}, ${ow}]`);
  return tidy(() => {
    const b = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
    const nhwc = transpose(cast(b, 'float32'), [0, 2, 3, 1]) as Tensor4D;
    const r = transpose(image.resizeBilinear(nhwc, [oh, ow], false, true), [0, 3, 1, 2]);
    return x.rank === 3 ? reshape(r, r.shape.slice(1)) : r;
  });
}

/** Pads the last two axes with `fill` (left, top, right, bottom). */
function padHW(x: Tensor, left: number, top: number, right: number, bottom: number, fillValue: number): Tensor {
  return tidy(() => {
    let y = x;
    const r = x.rank;
    const part = (shape: number[]): Tensor => fill(shape, fillValue, x.dtype);
    if (top || bottom) {
      const s = y.shape.slice();
      const parts: Tensor[] = [];
      if (top) parts.push(part([...s.slice(0, r - 2), top, s[r - 1]!]));
      parts.push(y);
      if (bottom) parts.push(part([...s.slice(0, r - 2), bottom, s[r - 1]!]));
      y = concat(parts, r - 2);
    }
    if (left || right) {
      const s = y.shape.slice();
      const parts: Tensor[] = [];
      if (left) parts.push(part([...s.slice(0, r - 1), left]));
      parts.push(y);
      if (right) parts.push(part([...s.slice(0, r - 1), right]));
      y = concat(parts, r - 1);
    }
    return y;
  });
}

function cropHW(x: Tensor, top: number, left: number, h: number, w: number): Tensor {
  const begin = x.shape.map((_, d) => (d === x.rank - 2 ? top : d === x.rank - 1 ? left : 0));
  const size = x.shape.map((s, d) => (d === x.rank - 2 ? h : d === x.rank - 1 ? w : s));
  return slice(x, begin, size);
}

/** Python's round(): halves to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Crops the centre `[h, w]` (like `torchvision.transforms.functional.center_crop`, including
 * its rounding and its zero padding when the crop is larger than the image).
 *
 * @param x - `[C, H, W]` or `[B, C, H, W]`
 * @example `centerCrop(img, 224)` // [3, 256, 256] → [3, 224, 224]
 */
export function centerCrop(x: Tensor, size: number | readonly [number, number]): Tensor {
  checkImage(x, 'centerCrop');
  const [th, tw] = pySize(size);
  let [h, w] = hw(x);
  return tidy(() => {
    let y = x;
    if (th > h || tw > w) {
      const pl = tw > w ? Math.floor((tw - w) / 2) : 0;
      const pt = th > h ? Math.floor((th - h) / 2) : 0;
      const pr = tw > w ? Math.floor((tw - w + 1) / 2) : 0;
      const pb = th > h ? Math.floor((th - h + 1) / 2) : 0;
      y = padHW(y, pl, pt, pr, pb, 0);
      [h, w] = hw(y);
      if (th === h && tw === w) return y;
    }
    const top = roundHalfEven((h - th) / 2);
    const left = roundHalfEven((w - tw) / 2);
    return cropHW(y, top, left, th, tw);
  });
}

/** An 8-bit image in HWC layout (e.g. decoded PNG/JPEG, canvas `ImageData` with channels 4). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  height: number;
  width: number;
  /** Default: `data.length / (height * width)`. */
  channels?: number;
}

/**
 * HWC 8-bit image → CHW float32 in [0, 1] (like `torchvision.transforms.functional.to_tensor`).
 *
 * @param img - a tensor `[H, W, C]` (int32 0..255) or raw bytes {@link RawImage}
 * @returns `[C, H, W]`
 * @example `toTensor({ data: rgbBytes, height: 32, width: 32, channels: 3 })` // → [3, 32, 32]
 */
export function toTensor(img: Tensor | RawImage): Tensor {
  return tidy(() => {
    let hwc: Tensor;
    if (img instanceof Tensor) {
      if (img.rank !== 3) throw new ShapeError('toTensor', '[H, W, C]', img.shape, 'image');
      hwc = img;
    } else {
      const c = img.channels ?? img.data.length / (img.height * img.width);
      if (!Number.isInteger(c) || c * img.height * img.width !== img.data.length) {
        throw new ShapeError('toTensor', `${img.height}×${img.width}×${img.channels ?? '?'} (${img.data.length} bytes do not form that image)`, `${img.data.length} bytes`, 'image data');
      }
      hwc = tensor(Int32Array.from(img.data), [img.height, img.width, c], 'int32');
    }
    return div(transpose(cast(hwc, 'float32'), [2, 0, 1]), 255);
  });
}

/**
 * Per-channel `(x − mean) / std` (like `torchvision.transforms.Normalize`); ImageNet
 * statistics by default.
 *
 * @param x - `[C, H, W]` or `[B, C, H, W]`
 * @example `normalize(toTensor(img))` // ImageNet mean/std
 */
export function normalize(x: Tensor, mean: readonly number[] = IMAGENET_MEAN, std: readonly number[] = IMAGENET_STD): Tensor {
  checkImage(x, 'normalize');
  const C = x.shape[x.rank - 3]!;
  if (mean.length !== C || std.length !== C) {
    throw new ShapeError('normalize', `${C} mean/std values (one per channel)`, `${mean.length}/${std.length} values`, 'mean/std');
  }
  if (std.some((s) => s === 0)) throw new ArgumentError('normalize', 'std evaluated to zero, leading to division by zero');
  return tidy(() => {
    const m = tensor(mean as number[], [C, 1, 1], 'float32');
    const s = tensor(std as number[], [C, 1, 1], 'float32');
    return div(sub(cast(x, 'float32'), m), s);
  });
}

/**
 * Flips the image (or the whole batch) left-right with probability `p` (like
 * `torchvision.transforms.RandomHorizontalFlip`). Always returns a new tensor.
 *
 * @param x - `[C, H, W]` or `[B, C, H, W]`
 * @example `randomHorizontalFlip(img, { p: 0.5, generator: new Generator(0) })`
 */
export function randomHorizontalFlip(x: Tensor, opts: { p?: number; generator?: Generator } = {}): Tensor {
  checkImage(x, 'randomHorizontalFlip');
  const p = opts.p ?? 0.5;
  const g = opts.generator ?? defaultGenerator();
  return g.random() < p ? reverse(x, x.rank - 1) : x.clone();
}

/** Options of {@link randomCrop}. */
export interface RandomCropOptions {
  /** Padding added before cropping: one value for all sides, `[leftRight, topBottom]`, or `[left, top, right, bottom]`. */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Pad the image if it is smaller than the crop (default false). */
  padIfNeeded?: boolean;
  /** Padding value (default 0). */
  fill?: number;
  generator?: Generator;
}

/**
 * Crops a random `[h, w]` window (like `torchvision.transforms.RandomCrop`, constant padding).
 *
 * @param x - `[C, H, W]` or `[B, C, H, W]` (one window for the whole batch)
 * @example `randomCrop(img, 32, { padding: 4, generator })` // CIFAR-style augmentation
 */
export function randomCrop(x: Tensor, size: number | readonly [number, number], opts: RandomCropOptions = {}): Tensor {
  checkImage(x, 'randomCrop');
  const [th, tw] = pySize(size);
  const g = opts.generator ?? defaultGenerator();
  const fv = opts.fill ?? 0;
  return tidy(() => {
    let y = x;
    const p = opts.padding;
    if (p !== undefined) {
      const [l, t, r, b] = typeof p === 'number' ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p;
      y = padHW(y, l, t, r, b, fv);
    }
    let [h, w] = hw(y);
    if (opts.padIfNeeded && w < tw) y = padHW(y, tw - w, 0, tw - w, 0, fv);
    if (opts.padIfNeeded && h < th) y = padHW(y, 0, th - h, 0, th - h, fv);
    [h, w] = hw(y);
    if (h < th || w < tw) throw new ShapeError('randomCrop', `at least [${th}, ${tw}] (the required crop size is larger than the input)`, `[${h}, ${w}]`, 'image');
    const i = g.randint(0, h - th + 1);
    const j = g.randint(0, w - tw + 1);
    return cropHW(y, i, j, th, tw);
  });
}
