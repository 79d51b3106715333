import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { depthwiseSpatialNchwFilterGrad, depthwiseSpatialNchwInputGrad, NNKIT_DEPTHWISE_SPATIAL_NCHW } from '../simd/depthwise-spatial-nchw.js';

/**
 * The gradient of nnkit's `NnkitDepthwiseSpatialNchw` kernel (a depthwise convolution over all
 * rows, one column wide, in NCHW; `simd/depthwise-spatial-nchw.ts`): both gradients on their
 * SIMD kernels, evaluated lazily (no input gradient is computed for a first layer).
 */
export const nnkitDepthwiseSpatialNchwGrad: GradConfig = {
  kernelName: NNKIT_DEPTHWISE_SPATIAL_NCHW,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved) => {
    const [x, filter] = saved as [Tensor, Tensor];
    return {
      x: () => depthwiseSpatialNchwInputGrad(dy as Tensor, filter, x.shape),
      filter: () => depthwiseSpatialNchwFilterGrad(x, dy as Tensor),
    };
  },
};
