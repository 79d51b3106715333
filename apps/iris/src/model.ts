import { init, Linear, Module, Sigmoid } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The iris tutorial's MLP: 4 → 6 (sigmoid) → 3 logits, weights drawn from N(0, 0.01) and
 * biases set to 1 (nnkit's global RNG: call `manualSeed` first for a reproducible model).
 *
 * @example
 * ```ts
 * const model = new IrisMLP(); // model.call(x: [B, 4]) → [B, 3]; new IrisMLP(2) takes [B, 2]
 * ```
 */
export class IrisMLP extends Module {
  readonly fc1: Linear;
  readonly act: Sigmoid;
  readonly fc2: Linear;

  constructor(inFeatures = 4, hidden = 6) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(inFeatures, hidden));
    this.act = this.registerModule('act', new Sigmoid());
    this.fc2 = this.registerModule('fc2', new Linear(hidden, 3));
    for (const fc of [this.fc1, this.fc2]) {
      init.normal_(fc.weight, 0, 0.01);
      init.constant_(fc.bias!, 1);
    }
  }

  forward(x: Tensor): Tensor {
    return this.fc2.call(this.act.call(this.fc1.call(x)));
  }
}
