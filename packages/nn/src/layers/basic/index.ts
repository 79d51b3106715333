// Owned by one area; an explicit list of named exports.
export { Linear, type LinearOptions } from './linear.js';
export { LinearWithConstraint, type LinearWithConstraintOptions } from './linear-with-constraint.js';
export { maxNorm_ } from './max-norm.js';
export { BatchNormBase, BatchNorm1d, BatchNorm2d, type BatchNormOptions, type BatchNormAffine, type BatchStatistics } from './batch-norm.js';
export { LayerNorm, type LayerNormOptions } from './layer-norm.js';
export { Dropout, Dropout2d } from './dropout.js';
export { Flatten, Identity } from './flatten.js';
export { ReLU, ELU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax, type GELUOptions } from './activations.js';
export { GradientReversal, type GradientReversalOptions } from './gradient-reversal.js';
