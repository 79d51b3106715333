import { stack, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { centerCrop, compose, normalize, randomCrop, randomHorizontalFlip, resize, toTensor, type Generator, type RawImage } from '@nnkit/data';

/** Options of {@link imagenetTransform}. */
export interface ImagenetTransformOptions {
  /** Smaller edge after resizing. Default 342 (Inception v3); torchvision's ResNets use 256. */
  resizeSize?: number;
  /** Centre crop. Default 299 (Inception v3); 224 for most other models. */
  cropSize?: number;
  /** Per-channel mean. Default ImageNet's. */
  mean?: readonly number[];
  /** Per-channel std. Default ImageNet's. */
  std?: readonly number[];
}

/**
 * torchvision's evaluation transform of `Inception_V3_Weights.IMAGENET1K_V1`
 * (`ImageClassification(crop_size=299, resize_size=342)`): bilinear resize of the smaller edge to
 * 342 → centre crop 299 → scale to [0, 1] → normalise with ImageNet's mean/std. Built from
 * `@nnkit/data`'s image transforms. Takes a decoded image (`RawImage`, e.g. from
 * `decodeImage` of `@nnkit/vision/node` or `imageFromPixels`) or a `[3, H, W]` float tensor in [0, 1].
 *
 * Note: torchvision's `Resize` on PIL images antialiases when it shrinks; on tensors (0.14) it
 * does not. This transform works on tensors, so it matches torchvision's tensor path.
 *
 * @returns `[3, 299, 299]` float32
 * @example
 * ```ts
 * const x = imagenetTransform()(decodeImage(bytes)); // [3, 299, 299]
 * model.call(tf.expandDims(x, 0));                  // [1, 1000]
 * ```
 */
export function imagenetTransform(opts: ImagenetTransformOptions = {}): (img: RawImage | Tensor) => Tensor {
  const { resizeSize = 342, cropSize = 299, mean, std } = opts;
  return (img) =>
    tidy(() => {
      const chw = isTensor(img) ? img : toTensor(rgb(img));
      return normalize(centerCrop(resize(chw, resizeSize), cropSize), mean, std);
    });
}

/** Options of {@link trainTransform}. */
export interface TrainTransformOptions {
  /** Output edge. Default 299. */
  size?: number;
  /** Resize the smaller edge to this before the random crop. Default `size` · 342/299, rounded. */
  resizeSize?: number;
  /** Flip probability. Default 0.5. */
  flipP?: number;
  /** Seeded generator for crops and flips. */
  generator?: Generator;
  mean?: readonly number[];
  std?: readonly number[];
}

/**
 * A training transform for fine-tuning: resize the smaller edge → random crop `size` → random
 * horizontal flip → normalise (ImageNet mean/std). Seeded with `generator`.
 *
 * @returns `[3, size, size]` float32
 * @example
 * ```ts
 * const t = trainTransform({ size: 299, generator: new Generator(0) });
 * const x = t(decodeImage(bytes)); // [3, 299, 299]
 * ```
 */
export function trainTransform(opts: TrainTransformOptions = {}): (img: RawImage | Tensor) => Tensor {
  const size = opts.size ?? 299;
  const resizeSize = opts.resizeSize ?? Math.round((size * 342) / 299);
  const g = opts.generator ? { generator: opts.generator } : {};
  const steps = compose<Tensor, Tensor>([
    (x: Tensor) => resize(x, resizeSize),
    (x: Tensor) => randomCrop(x, size, g),
    (x: Tensor) => randomHorizontalFlip(x, { p: opts.flipP ?? 0.5, ...g }),
    (x: Tensor) => normalize(x, opts.mean, opts.std),
  ]);
  return (img) => tidy(() => steps(isTensor(img) ? img : toTensor(rgb(img))));
}

/** Drops an alpha channel (RGBA canvas / PNG data) and expands grey to RGB. */
export function rgb(img: RawImage): RawImage {
  const c = img.channels ?? img.data.length / (img.height * img.width);
  if (c === 3) return { ...img, channels: 3 };
  const n = img.height * img.width;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) out[3 * i + k] = img.data[c === 1 || c === 2 ? c * i : c * i + k]!;
  }
  return { data: out, height: img.height, width: img.width, channels: 3 };
}

function isTensor(x: RawImage | Tensor): x is Tensor {
  return typeof (x as Tensor).dataSync === 'function';
}

/**
 * A batch of images through a transform: `[B, C, H, W]`.
 *
 * @example
 * ```ts
 * const batch = transformBatch(images, imagenetTransform()); // [B, 3, 299, 299]
 * ```
 */
export function transformBatch(images: ReadonlyArray<RawImage | Tensor>, t: (img: RawImage | Tensor) => Tensor): Tensor {
  return tidy(() => stack(images.map((im) => t(im))));
}
