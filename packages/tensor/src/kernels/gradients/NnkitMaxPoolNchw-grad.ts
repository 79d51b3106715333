import { engine, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';
import { NNKIT_MAX_POOL, NNKIT_MAX_POOL_GRAD } from '../max-pool-nchw.js';

/**
 * The gradient of nnkit's `NnkitMaxPoolNchw` kernel: each `dy` goes to its window's first
 * maximum (PyTorch's rule), whose offset the forward saved as its second output (`arg`), by one
 * `NnkitMaxPoolNchwGrad` kernel (no rescan of the input).
 *
 * @example `registerGradient(nnkitMaxPoolGrad)` (done by `installKernels`)
 */
export const nnkitMaxPoolGrad: GradConfig = {
  kernelName: NNKIT_MAX_POOL,
  outputsToSave: [false, true],
  gradFunc: (dy, saved, attrs) => {
    const [arg] = saved as [Tensor];
    const dyY = Array.isArray(dy) ? dy[0]! : dy;
    return { x: () => engine().runKernel(NNKIT_MAX_POOL_GRAD, { dy: dyY, arg }, attrs) as Tensor };
  },
};
