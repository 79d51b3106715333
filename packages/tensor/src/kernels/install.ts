import { getGradient, getKernel } from '@tensorflow/tfjs-core';
import type { BackendName } from '../backend.js';
import { NNKIT_CONV, registerConvKernels } from './conv-nhwc.js';

const installed = new Set<string>();
let gradients: Promise<void> | undefined;

/**
 * tfjs-core's own op gradients (Sum, MatMul, Conv2D, ...) live in a side-effect module that
 * the `@tensorflow/tfjs-core` entry point does not load; load it once, on demand.
 */
function installTfjsGradients(): Promise<void> {
  if (getGradient('Sum') !== undefined) return Promise.resolve();
  gradients ??= import('@tensorflow/tfjs-core/dist/register_all_gradients.js').then(
    () => undefined,
    () => {
      // Plain Node ESM cannot load tfjs-core's extension-less ESM gradient files; nnkit's own
      // gradient set (registered below when missing) covers the kernels nnkit uses.
    },
  );
  return gradients;
}

/**
 * Registers nnkit's extra kernels and gradients for `backend` (idempotent): tfjs-core's op
 * gradients, and the `NnkitConv2D` convolution kernel behind `conv1d`/`conv2d` (any stride
 * with any dilation, plain and depthwise) with its gradient, which tfjs-backend-wasm 4.22
 * lacks. Awaited by `initBackend()`; exported for users who set the backend up themselves.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * await installKernels('wasm');
 * ```
 */
export async function installKernels(backend: BackendName | string): Promise<void> {
  if (!installed.has(backend)) {
    if (getKernel(NNKIT_CONV, backend) === undefined) registerConvKernels(backend);
    installed.add(backend);
  }
  await installTfjsGradients();
}
