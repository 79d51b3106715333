import { transpose, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { NNKIT_CONV_WINDOWS_NCHW, type WindowsNchwAttrs } from '../windows-conv-nchw.js';
import { convFilterGrad, convInputGrad } from './NnkitConv2D-grad.js';

/**
 * The gradient of nnkit's `NnkitConvWindowsNchw` kernel (a plain convolution of a few-channel
 * NCHW image as one product per sample; `windows-conv-nchw.ts`): both gradients are those of the
 * same convolution in NHWC (`NnkitConv2D`'s strategies: for these shapes the SIMD col2im and
 * im2col ones), `dy` and the input brought to NHWC and the results back — the layout changes the
 * NHWC forward pass made, moved to the backward pass. Evaluated lazily: no input gradient is
 * computed for a first layer.
 */
export const nnkitConvWindowsNchwGrad: GradConfig = {
  kernelName: NNKIT_CONV_WINDOWS_NCHW,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, w] = saved as [Tensor, Tensor];
    const a = attrs as unknown as WindowsNchwAttrs;
    const na: NnkitConvAttrs = { strides: [...a.strides], dilations: [...a.dilations], pad: [...a.pad], depthwise: false };
    const [B, C, H, W] = x.shape as [number, number, number, number];
    // Made in each thunk that needs them: a tensor shared between the two thunks was disposed by
    // the first one's scopes before the second ran (tried; the gradient checks failed).
    const dyN = (): Tensor => transpose(dy as Tensor, [0, 2, 3, 1]);
    const f = (): Tensor => transpose(w, [2, 3, 1, 0]);
    return {
      x: () => transpose(convInputGrad(dyN(), { shape: [B, H, W, C] }, f(), na), [0, 3, 1, 2]),
      filter: () => transpose(convFilterGrad(dyN(), transpose(x, [0, 2, 3, 1]), f(), na), [3, 2, 0, 1]),
    };
  },
};
