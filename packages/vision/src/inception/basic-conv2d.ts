import { relu, type Tensor } from '@tensorflow/tfjs-core';
import { BatchNorm2d, Conv2d, foldedConvBn, Module, WeightCache, type ConvLayerOptions, type FoldedConvFilter } from '@nnkit/nn';

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

  /** The eval-mode convolution with the batch norm folded in (see `foldedConvBn`). */
  private readonly fold = new WeightCache<FoldedConvFilter>();

  protected override clearWeightCache(): void {
    this.fold.clear();
  }

  /**
   * x: `[B, inChannels, H, W]` → `[B, outChannels, Ho, Wo]`. In eval mode without a gradient tape
   * one convolution (the batch norm folded into its weight, bias and ReLU inside its kernel).
   */
  forward(x: Tensor): Tensor {
    return foldedConvBn(this.conv, this.bn, x, this.fold, 'relu') ?? relu(this.bn.call(this.conv.call(x)));
  }
}
