import { Linear, Module } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The tutorial's baseline: softmax regression, one linear layer `F → 3` logits (the softmax is in
 * the cross-entropy loss), PyTorch's default `Linear` initialisation.
 *
 * @example
 * ```ts
 * const model = new SoftmaxRegression(4); // model.call(x: [B, 4]) → [B, 3]
 * ```
 */
export class SoftmaxRegression extends Module {
  readonly fc: Linear;

  constructor(inFeatures = 4) {
    super();
    this.fc = this.registerModule('fc', new Linear(inFeatures, 3));
  }

  forward(x: Tensor): Tensor {
    return this.fc.call(x);
  }
}
