export { TemporalBlock, type TemporalBlockOptions } from './blocks/temporal-block.js';
export { TemporalConvNet, type TemporalConvNetOptions } from './blocks/temporal-conv-net.js';
export { EEGNet, type EEGNetOptions } from './models/eegnet.js';
export {
  EEGNetFeatures,
  EEGNetFrontEnd,
  KERAS_BN,
  type EEGNetFeaturesOptions,
  type EEGNetFrontEndOptions,
  type FrontEndBatchNorm,
} from './models/eegnet-front-end.js';
export { EEGTCNet, type EEGTCNetOptions } from './models/eegtcnet.js';
export { TemporalInception, type TemporalInceptionOptions } from './models/temporal-inception.js';
export { EEGInceptionTCN, type EEGInceptionTCNOptions } from './models/eeg-inception-tcn.js';
export {
  temporalSpatialConv,
  prepareTemporalSpatial,
  applyTemporalSpatial,
  type TemporalSpatialConvOptions,
  type TemporalSpatialAffine,
  type TemporalSpatialWeights,
} from './fused/temporal-spatial.js';
export { temporalConvMoments } from './fused/temporal-conv-moments.js';
export { models, modelBases } from './models/registry.js';
export { createStream, type EegStream, type StreamChunk, type StreamOptions, type StreamOutput } from './stream/index.js';
export {
  applyChannelZScore,
  fitChannelZScore,
  predictProba,
  trainWithinSubject,
  type ChannelZScore,
  type EegClassifier,
  type EpochInfo,
  type RecipeOptimizer,
  type TrialArrays,
  type WithinSubjectOptions,
  type WithinSubjectResult,
} from './recipe/index.js';
