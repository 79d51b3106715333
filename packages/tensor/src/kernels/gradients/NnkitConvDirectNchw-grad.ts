import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { convDirectNchwFilterGrad, convDirectNchwInputGrad, NNKIT_CONV_DIRECT_NCHW } from '../simd/conv-direct-nchw.js';

/**
 * The gradient of nnkit's `NnkitConvDirectNchw` kernel (a plain stride-1 convolution in NCHW on an
 * already padded input; `simd/conv-direct-nchw.ts`): the input gradient on the same kernel (`dy`
 * padded, the filter turned round), the filter gradient on its own; evaluated lazily (no input
 * gradient is computed for a first layer).
 */
export const nnkitConvDirectNchwGrad: GradConfig = {
  kernelName: NNKIT_CONV_DIRECT_NCHW,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved) => {
    const [x, filter] = saved as [Tensor, Tensor];
    return {
      x: () => convDirectNchwInputGrad(dy as Tensor, filter),
      filter: () => convDirectNchwFilterGrad(x, dy as Tensor, [filter.shape[2]!, filter.shape[3]!]),
    };
  },
};
