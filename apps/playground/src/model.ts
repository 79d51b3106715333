import { init, Linear, Module, Sigmoid } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The iris tutorial's MLP (the same as `apps/iris/src/model.ts`): 4 → 6 (sigmoid) → 3 logits,
 * weights drawn from N(0, 0.01) and biases set to 1 (call `manualSeed` first).
 *
 * @example
 * ```ts
 * const model = new IrisMLP(); // model.call(x: [B, 4]) → [B, 3]
 * ```
 */
export class IrisMLP extends Module {
  readonly fc1 = this.registerModule('fc1', new Linear(4, 6));
  readonly act = this.registerModule('act', new Sigmoid());
  readonly fc2 = this.registerModule('fc2', new Linear(6, 3));

  constructor() {
    super();
    for (const fc of [this.fc1, this.fc2]) {
      init.normal_(fc.weight, 0, 0.01);
      init.constant_(fc.bias!, 1);
    }
  }

  forward(x: Tensor): Tensor {
    return this.fc2.call(this.act.call(this.fc1.call(x)));
  }
}
