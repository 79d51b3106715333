import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { depthwiseRowsNchwFilterGrad, depthwiseRowsNchwInputGrad, NNKIT_DEPTHWISE_ROWS_NCHW, type RowsNchwAttrs } from '../simd/depthwise-rows-nchw.js';

/**
 * The gradient of nnkit's `NnkitDepthwiseRowsNchw` kernel (a depthwise `1 × K` convolution in
 * NCHW; `simd/depthwise-rows-nchw.ts`): both gradients on their SIMD kernels, evaluated lazily
 * (no input gradient is computed for a first layer).
 */
export const nnkitDepthwiseRowsNchwGrad: GradConfig = {
  kernelName: NNKIT_DEPTHWISE_ROWS_NCHW,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [Tensor, Tensor];
    const a = attrs as unknown as RowsNchwAttrs;
    return {
      x: () => depthwiseRowsNchwInputGrad(dy as Tensor, filter, a),
      filter: () => depthwiseRowsNchwFilterGrad(x, dy as Tensor, filter.shape[3]!, a),
    };
  },
};
