import { engine, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';
import { NNKIT_MAX_POOL, NNKIT_MAX_POOL_GRAD } from '../max-pool-nchw.js';

/**
 * The gradient of nnkit's `NnkitMaxPoolNchw` kernel: each `dy` goes to its window's first
 * maximum (PyTorch's rule), by one `NnkitMaxPoolNchwGrad` kernel that rescans the saved input.
 *
 * @example `registerGradient(nnkitMaxPoolGrad)` (done by `installKernels`)
 */
export const nnkitMaxPoolGrad: GradConfig = {
  kernelName: NNKIT_MAX_POOL,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [Tensor];
    return { x: () => engine().runKernel(NNKIT_MAX_POOL_GRAD, { dy: dy as Tensor, x }, attrs) as Tensor };
  },
};
