// Owned by one area; an explicit list of named exports.
export { Loss, type LossOptions } from './loss.js';
export { type Reduction, LossShapeError, LossValueError } from './validate.js';
export {
  l1Loss,
  mseLoss,
  smoothL1Loss,
  huberLoss,
  L1Loss,
  MSELoss,
  SmoothL1Loss,
  HuberLoss,
  type SmoothL1LossOptions,
  type HuberLossOptions,
} from './regression.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  BCELoss,
  BCEWithLogitsLoss,
  type BCELossOptions,
  type BCEWithLogitsLossOptions,
} from './binary.js';
export { nllLoss, NLLLoss, type NLLLossOptions } from './nll.js';
export { crossEntropy, CrossEntropyLoss, type CrossEntropyLossOptions } from './cross-entropy.js';
export { poissonNllLoss, PoissonNLLLoss, type PoissonNLLLossOptions } from './poisson-nll.js';
export { klDiv, KLDivLoss, type KLDivLossOptions, type KLDivReduction } from './kl-div.js';
export {
  marginRankingLoss,
  hingeEmbeddingLoss,
  softMarginLoss,
  MarginRankingLoss,
  HingeEmbeddingLoss,
  SoftMarginLoss,
  type MarginLossOptions,
} from './margin.js';
export {
  multiMarginLoss,
  multilabelMarginLoss,
  MultiMarginLoss,
  MultiLabelMarginLoss,
  type MultiMarginLossOptions,
} from './multi-margin.js';
export {
  cosineEmbeddingLoss,
  tripletMarginLoss,
  CosineEmbeddingLoss,
  TripletMarginLoss,
  type CosineEmbeddingLossOptions,
  type TripletMarginLossOptions,
} from './embedding.js';
export { ctcLoss, CTCLoss, type CTCLossOptions, type Lengths } from './ctc.js';
export { gaussianNllLoss, GaussianNLLLoss, type GaussianNLLLossOptions } from './gaussian-nll.js';
export {
  multilabelSoftMarginLoss,
  MultiLabelSoftMarginLoss,
  type MultiLabelSoftMarginLossOptions,
} from './multilabel-soft-margin.js';
