// Owned by one area; an explicit list of named exports.
export { LeNet, type LeNetOptions } from './lenet.js';
export { ConvBlock, UpBlock } from './unet-blocks.js';
export { AttentionUNet, type AttentionUNetOptions } from './attention-unet.js';
