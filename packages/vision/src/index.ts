// @nnkit/vision: vision models with torchvision-compatible weights.
export * from './inception/index.js';
export * from './transfer/index.js';
