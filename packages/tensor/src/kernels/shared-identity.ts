import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounted {
  incRef(dataId: object): void;
}

const replaced = new Set<string>();

/**
 * Replaces tfjs-backend-wasm's `Identity` kernel (numeric dtypes) with one that shares the
 * input's data (a reference count, as tfjs-backend-cpu's `Identity` and every backend's `Reshape`
 * do) instead of copying it. tfjs data is immutable, so a shared copy is indistinguishable from a
 * fresh one. The gradient tape clones every tensor a kernel saves for its backward pass
 * (`saveTensorsForBackwardMode`): in an EEG-TCNet training step on 3 channels that was 574
 * copies of activations per step, all of them now free. Called by `installKernels('wasm')`;
 * idempotent.
 *
 * @returns whether the kernel was replaced now.
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * installSharedIdentity('wasm'); // tf.clone(x) now costs no copy
 * ```
 */
export function installSharedIdentity(backendName: string): boolean {
  if (backendName !== 'wasm' || replaced.has(backendName)) return false;
  const original = getKernel('Identity', backendName);
  if (original === undefined) return false;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    (args.backend as unknown as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  unregisterKernel('Identity', backendName);
  registerKernel({ ...original, kernelFunc } satisfies KernelConfig);
  replaced.add(backendName);
  return true;
}
