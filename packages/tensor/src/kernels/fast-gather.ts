import { backend_util, getKernel, registerKernel, unregisterKernel, util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

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

const replaced = new Set<string>();

/** A new typed array of `size` elements for `dtype` (int32, bool or float32). */
function typedFor(dtype: TensorInfo['dtype'], size: number): Typed {
  return dtype === 'int32' ? new Int32Array(size) : dtype === 'bool' ? new Uint8Array(size) : new Float32Array(size);
}

/**
 * Replaces the `GatherV2` kernel of tfjs-backend-wasm and tfjs-backend-cpu (numeric dtypes,
 * int32 indices) with {@link gatherRuns} on the backend's own arrays (views of the wasm heap,
 * the cpu backend's values). The originals compute every output element's source index
 * separately: gathering a batch of 64 trials out of `[360, 3, 1000]` (what a `DataLoader` over a
 * `TensorDataset` does per batch) took 7–8 ms on wasm and ~20 ms on cpu; as 64 runs it takes a
 * few hundredths of a millisecond. Out-of-range indices throw as in the originals. Called by
 * `installKernels`; idempotent.
 *
 * @returns whether the kernel was replaced now.
 * @example `installFastGather('wasm')`
 */
export function installFastGather(backendName: string): boolean {
  if ((backendName !== 'wasm' && backendName !== 'cpu') || replaced.has(backendName)) return false;
  const original = getKernel('GatherV2', backendName);
  if (original === undefined) return false;
  const kernelFunc: KernelFunc = (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    if (x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') return original.kernelFunc(args);
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0]!;
    const backend = args.backend as KernelBackend;
    const heap = typeof (backend as Partial<WasmLike>).typedArrayFromHeap === 'function' ? (backend as unknown as WasmLike) : null;
    const read = (t: TensorInfo): Typed => (heap ? heap.typedArrayFromHeap(t) : (backend.readSync(t.dataId) as Typed));
    const idx = read(indices) as Int32Array;
    const axisDim = x.shape[parsedAxis]!;
    for (let i = 0; i < idx.length; ++i) {
      const index = idx[i]!;
      util.assert(index <= axisDim - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
    }
    const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, parsedAxis, batchDims);
    const size = util.sizeFromShape(info.outputShape);
    const dims = [info.batchSize, info.outerSize, info.dimSize, info.sliceSize] as const;
    const run = size > 0 && util.sizeFromShape(x.shape) > 0;
    if (heap) {
      const out = heap.makeOutput(info.outputShape, x.dtype);
      // Views taken after makeOutput: allocating can grow (and detach) the heap.
      if (run) gatherRuns(read(x), read(indices) as Int32Array, dims, heap.typedArrayFromHeap(out));
      return out;
    }
    const values = typedFor(x.dtype, size);
    if (run) gatherRuns(read(x), idx, dims, values);
    return { dataId: backend.write(values, info.outputShape, x.dtype), shape: info.outputShape, dtype: x.dtype };
  };
  unregisterKernel('GatherV2', backendName);
  registerKernel({ kernelName: 'GatherV2', backendName, kernelFunc, ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}) } satisfies KernelConfig);
  replaced.add(backendName);
  return true;
}
