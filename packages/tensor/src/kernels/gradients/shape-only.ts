import type { GradConfig } from '@tensorflow/tfjs-core';

const shapeOnly = new WeakSet<GradConfig>();

/**
 * Marks a gradient config whose `gradFunc` reads only `shape`, `rank`, `size` and `dtype` of its
 * saved tensors, never their values (e.g. a reshape's: `dy` reshaped to the input's shape). Under
 * nnkit's `backward`/`grad` the tape then keeps a shape record instead of the tensor, so the
 * forward activation behind it can be freed before the backward pass (see `withSharedSavedTensors`).
 * Returns the config, for use inline in a list.
 *
 * @example
 * ```ts
 * const viewGrad = markShapeOnly({ kernelName: 'MyView', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => reshape(dy as Tensor, x!.shape) }) });
 * ```
 */
export function markShapeOnly(config: GradConfig): GradConfig {
  shapeOnly.add(config);
  return config;
}

/**
 * Whether `config` was marked by {@link markShapeOnly} (an app's own gradient config never is).
 *
 * @example
 * ```ts
 * savesShapesOnly(getGradient(kernelName)); // true for nnkit's reshape, slice, pad, concat, sum, mean gradients
 * ```
 */
export function savesShapesOnly(config: GradConfig | undefined): boolean {
  return config !== undefined && shapeOnly.has(config);
}
