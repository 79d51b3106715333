import { concat, type Tensor } from '@tensorflow/tfjs-core';
import { Conv2dWithConstraint, MaxPool2d, Module, ShapeError } from '@nnkit/nn';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link TemporalInception}. */
export interface TemporalInceptionOptions {
  /** Kernel lengths of the three temporal branches. Default [16, 8, 4]. */
  kernels?: readonly [number, number, number];
  /** Kernel of the max-pool branch (stride 1, 'same' padding). Default [3, 3]. */
  poolKernel?: readonly [number, number];
  /** Max-norm of every branch's convolution. Default 0.5. */
  maxNorm?: number;
}

/**
 * Temporal inception module of the EEG-TCNet article's code: four parallel branches — three
 * grouped temporal convolutions (kernels k1, k2, k3, `groups = outChan`, 'same' padding) and a
 * max-pool (stride 1) followed by a grouped 1×1 convolution — concatenated on channels.
 *
 * x: [B, inChan, H, W] → [B, 4·outChan, H, W]. `inChan` must be a multiple of `outChan`.
 *
 * @example
 * ```ts
 * const inc = new TemporalInception(16, 4);
 * inc.call(tf.zeros([2, 16, 1, 50])).shape; // [2, 16, 1, 50]
 * ```
 */
export class TemporalInception extends Module {
  readonly conv1: Conv2dWithConstraint;
  readonly conv2: Conv2dWithConstraint;
  readonly conv3: Conv2dWithConstraint;
  readonly pool4: MaxPool2d;
  readonly conv4: Conv2dWithConstraint;

  constructor(
    readonly inChan: number,
    readonly outChan: number,
    opts: TemporalInceptionOptions = {},
  ) {
    super();
    const [k1, k2, k3] = opts.kernels ?? [16, 8, 4];
    const [p0, p1] = opts.poolKernel ?? [3, 3];
    const maxNorm = opts.maxNorm ?? 0.5;
    if (inChan % outChan !== 0) {
      throw new ArgumentError('TemporalInception', `inChan (${inChan}) must be a multiple of outChan (${outChan})`);
    }
    const conv = (k: number): Conv2dWithConstraint =>
      new Conv2dWithConstraint(inChan, outChan, [1, k], { padding: 'same', groups: outChan, bias: false, maxNorm });
    this.conv1 = this.registerModule('conv1', conv(k1));
    this.conv2 = this.registerModule('conv2', conv(k2));
    this.conv3 = this.registerModule('conv3', conv(k3));
    this.pool4 = this.registerModule(
      'pool4',
      new MaxPool2d([p0, p1], { stride: 1, padding: [Math.floor(p0 / 2), Math.floor(p1 / 2)] }),
    );
    this.conv4 = this.registerModule(
      'conv4',
      new Conv2dWithConstraint(inChan, outChan, 1, { groups: outChan, bias: false, maxNorm }),
    );
  }

  /** x: [B, inChan, H, W] → [B, 4·outChan, H, W]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChan) {
      throw new ShapeError(this.path(), `[B, ${this.inChan}, H, W]`, x.shape);
    }
    return concat([this.conv1.call(x), this.conv2.call(x), this.conv3.call(x), this.conv4.call(this.pool4.call(x))], 1);
  }
}
