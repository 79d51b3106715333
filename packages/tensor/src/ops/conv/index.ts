// Owned by one area; an explicit list of named exports.
export { renorm } from './renorm.js';
export { conv1d, conv2d, causalConv1d, causalConv2d, type ConvOptions, type CausalConvOptions } from './conv.js';
export { convOutSize, type ConvPadding, type SizeArg } from './conv-args.js';
