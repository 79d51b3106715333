import type { ModelEntry } from '@nnkit/nn';
import { CBAM } from './cbam/cbam.js';
import { CBAMChannelGate } from './cbam/cbam-channel-gate.js';
import { CBAMSpatialGate } from './cbam/cbam-spatial-gate.js';
import { CrissCrossAttention } from './criss-cross/criss-cross-attention.js';
import { ChannelAttention } from './danet/channel-attention.js';
import { PositionAttention } from './danet/position-attention.js';
import { EfficientAttention } from './efficient/efficient-attention.js';
import { InterlacedSparseSelfAttention } from './issa/interlaced-sparse-self-attention.js';
import { SelfAttentionBlock } from './issa/self-attention-block.js';
import { SelfAttention2d } from './self-attention/self-attention-2d.js';

/**
 * Every single-input attention module this package exports, with small configurations (B, C, H, W),
 * for the model contract suite (`tooling/contract`): a new module is covered by adding it here.
 * Builders are lazy; nothing is constructed on import.
 *
 * @example
 * ```ts
 * import { models } from '@nnkit/attention';
 * for (const m of models) console.log(m.name, m.inputShape);
 * ```
 */
export const models: readonly ModelEntry[] = [
  { name: 'PositionAttention', build: () => new PositionAttention(16), inputShape: [3, 16, 5, 7] },
  { name: 'ChannelAttention', build: () => new ChannelAttention(), inputShape: [3, 8, 5, 7] },
  { name: 'CBAMChannelGate', build: () => new CBAMChannelGate(16, { reduction: 4 }), inputShape: [3, 16, 5, 7] },
  { name: 'CBAMSpatialGate', build: () => new CBAMSpatialGate(), inputShape: [3, 8, 9, 7] },
  { name: 'CBAM', build: () => new CBAM(16, { reduction: 4 }), inputShape: [3, 16, 9, 7] },
  { name: 'SelfAttention2d', build: () => new SelfAttention2d(16), inputShape: [3, 16, 5, 7] },
  { name: 'CrissCrossAttention', build: () => new CrissCrossAttention(16, { recurrence: 2 }), inputShape: [3, 16, 5, 7] },
  { name: 'SelfAttentionBlock', build: () => new SelfAttentionBlock(8, 4, 6, 8), inputShape: [3, 8, 5, 7] },
  { name: 'InterlacedSparseSelfAttention', build: () => new InterlacedSparseSelfAttention(8, 4, 6, 8, { block: [4, 3] }), inputShape: [3, 8, 9, 7] },
  { name: 'EfficientAttention', build: () => new EfficientAttention(8, 8, 8, { headCount: 2 }), inputShape: [3, 8, 5, 7] },
];

/**
 * Exported modules the single-input contract suite does not call: they take several inputs
 * (`AttentionGate(g, x)`, `MultiheadAttention(q, k, v)`, `SpatialReductionAttention(x, H, W)`);
 * their own parity, gradient and error tests cover them.
 */
export const modelBases: readonly string[] = ['AttentionGate', 'MultiheadAttention', 'SpatialReductionAttention'];
