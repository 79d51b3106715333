import { type Tensor } from '@tensorflow/tfjs-core';
import { interpolateNearest } from '@nnkit/tensor';
import { BatchNorm2d, Conv2d, Module, ReLU, Sequential } from '@nnkit/nn';

/**
 * Two (3×3 conv without bias → BatchNorm → ReLU) layers, as `vision.py`'s `ConvBlock`; keeps H, W.
 * Keys `net.0.weight`, `net.1.*`, `net.3.weight`, `net.4.*`.
 *
 * x: `[B, inCh, H, W]` → `[B, outCh, H, W]`.
 *
 * @example
 * ```ts
 * new ConvBlock(1, 8).call(tf.zeros([2, 1, 37, 50])).shape; // [2, 8, 37, 50]
 * ```
 */
export class ConvBlock extends Module {
  readonly net: Sequential;

  constructor(inCh: number, outCh: number) {
    super();
    this.net = this.registerModule(
      'net',
      new Sequential(
        new Conv2d(inCh, outCh, 3, { padding: 1, bias: false }),
        new BatchNorm2d(outCh),
        new ReLU(),
        new Conv2d(outCh, outCh, 3, { padding: 1, bias: false }),
        new BatchNorm2d(outCh),
        new ReLU(),
      ),
    );
  }

  /** x: `[B, inCh, H, W]` → `[B, outCh, H, W]`. */
  forward(x: Tensor): Tensor {
    return this.net.call(x);
  }
}

/**
 * Nearest-neighbour upsampling to an exact size (PyTorch's `F.interpolate(mode='nearest')`
 * indices), then 3×3 conv without bias → BatchNorm → ReLU, as `vision.py`'s `UpBlock`. Keys
 * `conv.0.weight`, `conv.1.*`.
 *
 * x: `[B, inCh, h, w]`, size `[H, W]` → `[B, outCh, H, W]`.
 *
 * @example
 * ```ts
 * new UpBlock(16, 8).call(tf.zeros([2, 16, 18, 25]), [37, 50]).shape; // [2, 8, 37, 50]
 * ```
 */
export class UpBlock extends Module {
  readonly conv: Sequential;

  constructor(inCh: number, outCh: number) {
    super();
    this.conv = this.registerModule('conv', new Sequential(new Conv2d(inCh, outCh, 3, { padding: 1, bias: false }), new BatchNorm2d(outCh), new ReLU()));
  }

  /** x: `[B, inCh, h, w]` → `[B, outCh, size[0], size[1]]`. */
  forward(x: Tensor, size: readonly [number, number]): Tensor {
    return this.conv.call(interpolateNearest(x, size));
  }
}
