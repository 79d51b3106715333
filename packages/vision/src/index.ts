// @nnkit/vision: vision models with torchvision-compatible weights, image input, a digits demo.
export * from './inception/index.js';
export * from './transfer/index.js';
export * from './models/index.js';
