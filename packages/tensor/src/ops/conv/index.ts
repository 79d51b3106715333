// Owned by one area; an explicit list of named exports.
export { renorm, renormRowsL2 } from './renorm.js';
export { conv1d, conv2d, causalConv1d, causalConv2d, prepareConvFilter, type ConvOptions, type CausalConvOptions, type ConvFilter } from './conv.js';
export { convOutSize, resolveConvPadding, type ConvPadding, type ConvPaddingPairs, type SizeArg } from './conv-args.js';
export { conv2dNhwc, convEpilogueAvailable, FAST_DEPTHWISE_TAPS, FAST_DEPTHWISE_TAP_COUNTS, hasSimdDepthwise, type ConvEpilogue, type KernelConvAttrs } from './kernel-conv.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, poolOutSize, type MaxPoolOptions, type AvgPoolOptions } from './pool.js';
export { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveBins } from './adaptive-pool.js';
