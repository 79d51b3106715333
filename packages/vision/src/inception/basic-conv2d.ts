import { relu, type Tensor } from '@tensorflow/tfjs-core';
import { BatchNorm2d, Conv2d, Module, type ConvLayerOptions } from '@nnkit/nn';

/** Options of {@link BasicConv2d}: torchvision's `**kwargs` of the convolution (no `bias`). */
export type BasicConv2dOptions = Omit<ConvLayerOptions, 'bias'>;

/**
 * torchvision's `BasicConv2d`: convolution without bias → `BatchNorm2d(eps=0.001)` → ReLU.
 * Keys `conv.weight`, `bn.weight`, `bn.bias`, `bn.running_mean`, `bn.running_var`,
 * `bn.num_batches_tracked`.
 *
 * x: `[B, inChannels, H, W]` → `[B, outChannels, Ho, Wo]` (the convolution's output size).
 *
 * @example
 * ```ts
 * const block = new BasicConv2d(3, 32, 3, { stride: 2 });
 * block.call(tf.zeros([1, 3, 299, 299])).shape; // [1, 32, 149, 149]
 * ```
 */
export class BasicConv2d extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], opts: BasicConv2dOptions = {}) {
    super();
    this.conv = this.registerModule('conv', new Conv2d(inChannels, outChannels, kernelSize, { ...opts, bias: false }));
    this.bn = this.registerModule('bn', new BatchNorm2d(outChannels, { eps: 0.001 }));
  }

  /** x: `[B, inChannels, H, W]` → `[B, outChannels, Ho, Wo]`. */
  forward(x: Tensor): Tensor {
    return relu(this.bn.call(this.conv.call(x)));
  }
}
