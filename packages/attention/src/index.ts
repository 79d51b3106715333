// Public API of @nnkit/attention: an explicit list of named exports.
export { AttentionGate } from './gates/attention-gate.js';
export { PositionAttention } from './danet/position-attention.js';
export { ChannelAttention } from './danet/channel-attention.js';
export { CBAMChannelGate } from './cbam/cbam-channel-gate.js';
export { CBAMSpatialGate } from './cbam/cbam-spatial-gate.js';
export { CBAM, type CBAMMaps } from './cbam/cbam.js';
export { SelfAttention2d } from './self-attention/self-attention-2d.js';
export { CrissCrossAttention, type CrissCrossAttentionOptions } from './criss-cross/criss-cross-attention.js';
export { SelfAttentionBlock } from './issa/self-attention-block.js';
export {
  InterlacedSparseSelfAttention,
  type InterlacedSparseSelfAttentionOptions,
  type ISSAMaps,
} from './issa/interlaced-sparse-self-attention.js';
export { EfficientAttention, type EfficientAttentionOptions } from './efficient/efficient-attention.js';
export {
  SpatialReductionAttention,
  type SpatialReductionAttentionOptions,
} from './spatial-reduction/spatial-reduction-attention.js';
export {
  MultiheadAttention,
  type MultiheadAttentionOptions,
  type MultiheadAttentionCallOptions,
} from './multihead/multihead-attention.js';
export { models, modelBases } from './registry.js';
