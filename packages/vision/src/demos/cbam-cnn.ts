import { mean, relu, type Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, maxPool2d } from '@nnkit/tensor';
import { BatchNorm2d, Conv2d, Linear, Module } from '@nnkit/nn';
import { CBAM } from '@nnkit/attention';

/** Options of {@link SmallCbamCnn}. */
export interface SmallCbamCnnOptions {
  /** Input channels. Default 1. */
  inChannels?: number;
  /** Output classes. Default 10. */
  numClasses?: number;
  /** Channels of the first block (the second has twice as many). Default 16. */
  width?: number;
}

/**
 * A small CNN with CBAM attention (`@nnkit/attention`) for 32×32 images: two blocks of 3×3 conv
 * → BatchNorm → ReLU → CBAM → 2×2 max pool, global average pooling, then `fc`.
 *
 * x: `[B, inChannels, H, W]` (H, W ≥ 4; 32×32 in the digits demo) → logits `[B, numClasses]`.
 *
 * @example
 * ```ts
 * const net = new SmallCbamCnn({ numClasses: 10 });
 * net.call(tf.zeros([8, 1, 32, 32])).shape; // [8, 10]
 * ```
 */
export class SmallCbamCnn extends Module {
  readonly inChannels: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly cbam1: CBAM;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly cbam2: CBAM;
  readonly fc: Linear;

  constructor(opts: SmallCbamCnnOptions = {}) {
    super();
    const { inChannels = 1, numClasses = 10, width = 16 } = opts;
    this.inChannels = inChannels;
    this.conv1 = this.registerModule('conv1', new Conv2d(inChannels, width, 3, { padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.cbam1 = this.registerModule('cbam1', new CBAM(width, { reduction: 4 }));
    this.conv2 = this.registerModule('conv2', new Conv2d(width, 2 * width, 3, { padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(2 * width));
    this.cbam2 = this.registerModule('cbam2', new CBAM(2 * width, { reduction: 4 }));
    this.fc = this.registerModule('fc', new Linear(2 * width, numClasses));
  }

  /** x: `[B, inChannels, H, W]` → `[B, numClasses]`. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels || x.shape[2]! < 4 || x.shape[3]! < 4) {
      throw new ShapeError(this.path(), `[B, ${this.inChannels}, H >= 4, W >= 4]`, x.shape);
    }
    let h = maxPool2d(this.cbam1.call(relu(this.bn1.call(this.conv1.call(x)))), 2);
    h = maxPool2d(this.cbam2.call(relu(this.bn2.call(this.conv2.call(h)))), 2);
    return this.fc.call(mean(h, [2, 3]));
  }
}
