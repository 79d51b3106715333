import { conv2d, isRecordingGradients, prepareConvFilter, type ConvFilter } from '@nnkit/tensor';
import { add, clone, mul, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { WeightCache } from '../../weight-cache.js';
import type { BatchNorm2d } from '../basic/batch-norm.js';
import type { Conv2d } from './conv.js';

/** The folded weight of {@link foldedConvBn} in the kernel's layout, kept in a {@link WeightCache}. */
export interface FoldedConvFilter {
  filter: ConvFilter;
  /** The folded weight and its kernel-layout parts (what the cache frees). */
  tensors: Tensor[];
}

/**
 * Eval-mode `act(bn(conv(x)))` as one convolution: the batch norm's running statistics folded
 * into the convolution's weight (`w·scale[o]`) and bias (`shift + b·scale`), the bias and ReLU run
 * inside the convolution's kernel (`conv2d`'s `activation`). The folded weight is kept in `cache`
 * (owned by the caller's module, freed in its `clearWeightCache()`) while every source holds the
 * same data. Returns null where the layers must run one by one: either module in train mode,
 * weight caching off, a gradient tape recording, hooks on either layer (`asConvolution()` /
 * `asAffine()` give null), or an input the convolution would reject (its own error then names it).
 * The fold rounds differently from the separate ops (float32 rounding of `Σ w·x·s` against
 * `(Σ w·x)·s`), well within parity tolerances.
 *
 * @param x `[B, Cin, H, W]`
 * @returns `[B, Cout, Ho, Wo]`, or null
 * @example
 * ```ts
 * // torchvision's BasicConv2d: conv (no bias) → BatchNorm2d → ReLU
 * forward(x: Tensor): Tensor {
 *   return foldedConvBn(this.conv, this.bn, x, this.fold, 'relu') ?? relu(this.bn.call(this.conv.call(x)));
 * }
 * ```
 */
export function foldedConvBn(conv: Conv2d, bn: BatchNorm2d, x: Tensor, cache: WeightCache<FoldedConvFilter>, activation?: 'relu'): Tensor | null {
  if (conv.training || bn.training || !conv.weightCaching || !bn.weightCaching || isRecordingGradients()) return null;
  if (x.rank !== 4 || x.shape[1] !== conv.inChannels || x.dtype !== 'float32') return null;
  const spec = conv.asConvolution();
  const affine = spec && bn.asAffine();
  if (!spec || !affine) return null;
  const k = conv.kernelSize;
  const fits = x.shape.slice(2).every((len, i) => len + spec.padding[i]![0] + spec.padding[i]![1] >= spec.dilation[i]! * (k[i]! - 1) + 1);
  if (!fits) return null;
  const { scale, shift } = affine;
  const fold = (): FoldedConvFilter => {
    const w = mul(spec.weight, reshape(scale, [-1, 1, 1, 1]));
    // a tensor of the cache's own: the batch norm's shift is the batch norm's to free
    const bias = spec.bias === null ? clone(shift) : add(mul(spec.bias, scale), shift);
    const filter = prepareConvFilter(w, spec.groups);
    return { filter, tensors: [w, bias, ...filter.tensors] };
  };
  const { filter, tensors } = cache.get([spec.weight, spec.bias, scale, shift], fold);
  const opts = { stride: [...spec.stride], dilation: [...spec.dilation], groups: spec.groups, padding: spec.padding, filter };
  return conv2d(x, filter.weight, tensors[1]!, activation === undefined ? opts : { ...opts, activation });
}
