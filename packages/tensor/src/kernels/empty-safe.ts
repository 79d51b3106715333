import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface WasmLike {
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Transpose: an empty input gives an empty output of the permuted shape. */
const transpose =
  (original: KernelFunc): KernelFunc =>
  (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!x.shape.some((d) => d === 0)) return original(args);
    const perm = (args.attrs as unknown as { perm: number[] }).perm;
    return (args.backend as unknown as WasmLike).makeOutput(perm.map((p) => x.shape[p]!), x.dtype);
  };

/** BatchMatMul: a zero inner dimension gives zeros (a sum of nothing), a zero M or N an empty output. */
const batchMatMul =
  (original: KernelFunc): KernelFunc =>
  (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (!a.shape.some((d) => d === 0) && !b.shape.some((d) => d === 0)) return original(args);
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const batch = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const w = args.backend as unknown as WasmLike;
    const out = w.makeOutput([...batch, m, n], a.dtype);
    if (batch.every((d) => d > 0) && m > 0 && n > 0) w.typedArrayFromHeap(out).fill(0); // the heap is not zeroed
    return out;
  };

const wrappers: Record<string, (original: KernelFunc) => KernelFunc> = { Transpose: transpose, BatchMatMul: batchMatMul };
const wrapped = new Set<string>();

/**
 * Makes tfjs-backend-wasm's kernels that fail on empty tensors handle them: `Transpose` divides by
 * a zero dimension inside the wasm module and traps (`RuntimeError: divide by zero`), which made
 * every NCHW convolution, pooling and EEG model fail on an empty batch (`[0, C, H, W]`);
 * `BatchMatMul` with a zero inner dimension (a weight gradient over an empty batch) returned
 * uninitialised memory instead of zeros. Empty inputs now give empty outputs (zeros for an empty
 * inner dimension); everything else goes to the original kernels. Called by
 * `installKernels('wasm')`; idempotent.
 *
 * @returns whether the kernels were wrapped now.
 */
export function installEmptySafeKernels(backendName: string): boolean {
  if (backendName !== 'wasm' || wrapped.has(backendName)) return false;
  for (const [name, wrap] of Object.entries(wrappers)) {
    const original = getKernel(name, backendName);
    if (original === undefined) continue;
    unregisterKernel(name, backendName);
    registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) } satisfies KernelConfig);
  }
  wrapped.add(backendName);
  return true;
}
