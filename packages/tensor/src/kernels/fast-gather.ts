import { backend_util, getKernel, registerKernel, unregisterKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

type Typed = Float32Array | Int32Array | Uint8Array;

/**
 * Gathers along one axis as runs of contiguous values: with `x` viewed as
 * `[batchSize, outerSize, dimSize, sliceSize]` and `indices` as `[batchSize, n]`, writes
 * `out[b, o, i, :] = x[b, o, indices[b, i], :]` (`out`: `[batchSize, outerSize, n, sliceSize]`).
 * Runs of 64 values or more use `TypedArray.set` (memcpy), shorter ones a plain loop, so
 * gathering 64 rows of `[360, 3, 1000]` is 64 memcpys of 3000 values.
 *
 * @param x the input values
 * @param indices the indices, `batchSize · n` values, each in `[0, dimSize)` (not checked here)
 * @param dims `[batchSize, outerSize, dimSize, sliceSize]`
 * @param out the output values
 * @example `gatherRuns(x, Int32Array.of(2, 0), [1, 1, 3, 4], out)` copies rows 2 and 0 of a `[3, 4]` array
 */
export function gatherRuns(x: Typed, indices: Int32Array, dims: readonly [number, number, number, number], out: Typed): void {
  const [batchSize, outerSize, dimSize, sliceSize] = dims;
  const n = batchSize === 0 ? 0 : indices.length / batchSize;
  let dst = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const base = (b * outerSize + o) * dimSize;
      for (let i = 0; i < n; i++) {
        const src = (base + indices[b * n + i]!) * sliceSize;
        if (sliceSize >= 64) out.set(x.subarray(src, src + sliceSize), dst);
        else for (let j = 0; j < sliceSize; j++) out[dst + j] = x[src + j]!;
        dst += sliceSize;
      }
    }
  }
}

interface WasmLike {
  typedArrayFromHeap(t: TensorInfo): Typed;
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
}

let replaced = false;

/**
 * Replaces tfjs-backend-wasm's `GatherV2` kernel (numeric dtypes, int32 indices) with
 * {@link gatherRuns} on views of the wasm heap. The original computes every output element's
 * source index separately: gathering a batch of 64 trials out of `[360, 3, 1000]` (what a
 * `DataLoader` over a `TensorDataset` does per batch) took 7–8 ms; as 64 runs it takes a few
 * hundredths of a millisecond. Out-of-range indices throw as in the original. Called by
 * `installKernels('wasm')`; idempotent.
 *
 * @returns whether the kernel was replaced now.
 */
export function installFastGather(backendName: string): boolean {
  if (backendName !== 'wasm' || replaced) return false;
  const original = getKernel('GatherV2', backendName);
  if (original === undefined) return false;
  const kernelFunc: KernelFunc = (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    if (x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') return original.kernelFunc(args);
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0]!;
    const b = args.backend as unknown as WasmLike;
    const idx = b.typedArrayFromHeap(indices) as Int32Array;
    const axisDim = x.shape[parsedAxis]!;
    for (let i = 0; i < idx.length; ++i) {
      const index = idx[i]!;
      util.assert(index <= axisDim - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
    }
    const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, parsedAxis, batchDims);
    const out = b.makeOutput(info.outputShape, x.dtype);
    if (util.sizeFromShape(info.outputShape) > 0 && util.sizeFromShape(x.shape) > 0) {
      // Views taken after makeOutput: allocating can grow (and detach) the heap.
      const dims = [info.batchSize, info.outerSize, info.dimSize, info.sliceSize] as const;
      gatherRuns(b.typedArrayFromHeap(x), b.typedArrayFromHeap(indices) as Int32Array, dims, b.typedArrayFromHeap(out));
    }
    return out;
  };
  unregisterKernel('GatherV2', backendName);
  registerKernel({ kernelName: 'GatherV2', backendName, kernelFunc, ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}) } satisfies KernelConfig);
  replaced = true;
  return true;
}
