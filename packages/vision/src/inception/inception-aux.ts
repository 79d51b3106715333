import { mean, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { avgPool2d } from '@nnkit/tensor';
import { Linear, Module } from '@nnkit/nn';
import { BasicConv2d } from './basic-conv2d.js';

/**
 * torchvision's `InceptionAux`, the auxiliary classifier on Mixed_6e's output: 5×5 average pool
 * (stride 3) → 1×1 conv (128) → 5×5 conv (768) → global average pool → `fc`.
 * x: `[B, inChannels, H, W]` (H, W ≥ 17 … 5 after pooling) → logits `[B, numClasses]`.
 *
 * @example
 * ```ts
 * const aux = new InceptionAux(768, 1000); // [B, 768, 17, 17] → [B, 1000]
 * ```
 */
export class InceptionAux extends Module {
  readonly conv0: BasicConv2d;
  readonly conv1: BasicConv2d;
  fc: Linear;

  constructor(inChannels: number, numClasses: number) {
    super();
    this.conv0 = this.registerModule('conv0', new BasicConv2d(inChannels, 128, 1));
    this.conv1 = this.registerModule('conv1', new BasicConv2d(128, 768, 5));
    this.fc = this.registerModule('fc', new Linear(768, numClasses));
  }

  /** x: `[B, inChannels, H, W]` → `[B, numClasses]`. */
  forward(x: Tensor): Tensor {
    const h = this.conv1.call(this.conv0.call(avgPool2d(x, 5, { stride: 3 })));
    const pooled = mean(h, [2, 3]);
    return this.fc.call(reshape(pooled, [pooled.shape[0]!, -1]));
  }
}
