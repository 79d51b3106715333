// @nnkit/vision: vision models with torchvision-compatible weights, image input, a digits demo.
// Browser-safe; file decoding (PNG/JPEG) is in `@nnkit/vision/node`.
export * from './inception/index.js';
export * from './transfer/index.js';
export * from './models/index.js';
export * from './image/index.js';
export * from './demos/index.js';
export { models, modelBases } from './registry.js';
