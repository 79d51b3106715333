// Owned by one area; an explicit list of named exports. Browser-safe (decoding files: `@nnkit/vision/node`).
export { imagenetTransform, trainTransform, transformBatch, rgb, type ImagenetTransformOptions, type TrainTransformOptions } from './imagenet.js';
export { imageFromPixels, type PixelSource } from './from-pixels.js';
