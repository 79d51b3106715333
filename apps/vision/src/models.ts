import type { Module } from '@nnkit/nn';
import { AttentionUNet, inceptionV3, LeNet, SmallCbamCnn } from '@nnkit/vision';

/** The models the vision CLI knows, with their default input shape `[B, C, H, W]`. */
export const VISION_MODELS = {
  inception_v3: { build: (numClasses = 1000) => inceptionV3({ numClasses, auxLogits: true, initWeights: false }), input: [1, 3, 299, 299] },
  lenet: { build: (numClasses = 10) => new LeNet({ numClasses }), input: [1, 1, 32, 32] },
  'small-cbam-cnn': { build: (numClasses = 10) => new SmallCbamCnn({ numClasses }), input: [1, 1, 32, 32] },
  attention_unet: { build: (numClasses = 2) => new AttentionUNet({ inChannels: 3, numClasses }), input: [1, 3, 64, 64] },
} satisfies Record<string, { build: (numClasses?: number) => Module; input: number[] }>;

export type VisionModelName = keyof typeof VISION_MODELS;
export const VISION_MODEL_NAMES = Object.keys(VISION_MODELS) as VisionModelName[];
