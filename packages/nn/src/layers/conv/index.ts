// Owned by one area; an explicit list of named exports.
export {
  Conv1d,
  Conv2d,
  CausalConv1d,
  CausalConv2d,
  Conv1dWithConstraint,
  Conv2dWithConstraint,
  type ConvLayerOptions,
  type ConvLayerPadding,
  type ConvolutionSpec,
  type ConvPaddingMode,
  type ConstraintOptions,
} from './conv.js';
export {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
} from './pool.js';
export { Chomp1d } from './chomp.js';
export { foldedConvBn, type FoldedConvFilter } from './conv-bn-fold.js';
