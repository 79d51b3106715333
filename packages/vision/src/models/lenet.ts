import { relu, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError, maxPool2d } from '@nnkit/tensor';
import { Conv2d, Linear, Module } from '@nnkit/nn';

/** Options of {@link LeNet}. */
export interface LeNetOptions {
  /** Output classes. Default 10. */
  numClasses?: number;
}

/**
 * LeNet-5 as `shared/reference/small.py`: conv 5×5 (6) → ReLU → max-pool 2 → conv 5×5 (16) →
 * ReLU → max-pool 2 → fc 400→120 → ReLU → fc 120→84 → ReLU → fc 84→numClasses. Keys `conv1.*`,
 * `conv2.*`, `fc1.*`, `fc2.*`, `fc3.*`; 61,706 parameters at 10 classes.
 *
 * x: `[B, 1, 32, 32]` → logits `[B, numClasses]` (upsample smaller images first, e.g. the 8×8
 * digits to 32×32).
 *
 * @example
 * ```ts
 * const model = new LeNet({ numClasses: 10 });
 * model.call(tf.zeros([4, 1, 32, 32])).shape; // [4, 10]
 * ```
 */
export class LeNet extends Module {
  readonly numClasses: number;
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly fc3: Linear;

  constructor(opts: LeNetOptions = {}) {
    super();
    const n = opts.numClasses ?? 10;
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError('LeNet', `numClasses must be a positive integer, got ${n}`);
    this.numClasses = n;
    this.conv1 = this.registerModule('conv1', new Conv2d(1, 6, 5));
    this.conv2 = this.registerModule('conv2', new Conv2d(6, 16, 5));
    this.fc1 = this.registerModule('fc1', new Linear(16 * 5 * 5, 120));
    this.fc2 = this.registerModule('fc2', new Linear(120, 84));
    this.fc3 = this.registerModule('fc3', new Linear(84, n));
  }

  /** x: `[B, 1, 32, 32]` → logits `[B, numClasses]`. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== 1 || x.shape[2] !== 32 || x.shape[3] !== 32) {
      throw new ShapeError(this.path(), '[B, 1, 32, 32] (one-channel 32 × 32 images)', x.shape);
    }
    let h = maxPool2d(relu(this.conv1.call(x)), 2);
    h = maxPool2d(relu(this.conv2.call(h)), 2);
    h = reshape(h, [h.shape[0]!, -1]);
    return this.fc3.call(relu(this.fc2.call(relu(this.fc1.call(h)))));
  }
}
