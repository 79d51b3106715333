import { getKernel, registerKernel, slice_util, unregisterKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

type Typed = Float32Array | Int32Array | Uint8Array;

/**
 * Copies the box `begin`..`begin + size` of a row-major array of `shape` into `out`, as runs of
 * contiguous values: the trailing axes that the box spans completely are merged with the last
 * axis it cuts, so slicing time steps out of `[B, 1, T, C]` copies B runs of `t·C` values instead
 * of B·t runs of C. Long runs use `TypedArray.set` (memcpy), short ones a plain loop.
 *
 * @param x the input values
 * @param shape the input shape
 * @param begin first index per axis
 * @param size extent per axis (no -1)
 * @param out the output values, `size` in row-major order
 */
export function sliceRuns(x: Typed, shape: readonly number[], begin: readonly number[], size: readonly number[], out: Typed): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  // Last axis the box does not span completely; everything after it is one run.
  let cut = rank - 1;
  while (cut > 0 && begin[cut] === 0 && size[cut] === shape[cut]) cut--;
  let inner = 1;
  for (let d = cut + 1; d < rank; d++) inner *= shape[d]!;
  const run = (size[cut] ?? 1) * inner;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  let base = 0;
  for (let d = 0; d < rank; d++) base += (begin[d] ?? 0) * strides[d]!;
  // Odometer over the axes before `cut`.
  const outer = size.slice(0, cut);
  const count = outer.reduce((p, v) => p * v, 1);
  const idx = new Array<number>(cut).fill(0);
  let src = base;
  let dst = 0;
  for (let r = 0; r < count; r++) {
    if (run >= 64) out.set(x.subarray(src, src + run), dst);
    else for (let j = 0; j < run; j++) out[dst + j] = x[src + j]!;
    dst += run;
    // Advance the odometer (last outer axis fastest).
    for (let d = cut - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outer[d]!) break;
      src -= idx[d]! * strides[d]!;
      idx[d] = 0;
    }
  }
}

interface WasmLike {
  typedArrayFromHeap(t: TensorInfo): Typed;
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
}

let replaced = false;

/**
 * Replaces tfjs-backend-wasm's `Slice` kernel (numeric dtypes) with {@link sliceRuns} on views
 * of the wasm heap. The original first copies the whole input out of the heap and then copies
 * the innermost axis one `subarray` at a time: cutting 1000 of 1025 time steps out of
 * `[64, 1, 1025, 16]` took 12–14 ms (a fifth of an EEG-TCNet training step on 3 channels); as
 * B runs it takes well under 1 ms. Called by `installKernels('wasm')`; idempotent.
 *
 * @returns whether the kernel was replaced now.
 */
export function installFastSlice(backendName: string): boolean {
  if (backendName !== 'wasm' || replaced) return false;
  const original = getKernel('Slice', backendName);
  if (original === undefined) return false;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const a = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    // tfjs's own argument handling and checks (a negative begin throws, as in the original kernel;
    // any other out-of-range box throws too instead of reading past the input).
    const [begin, size] = slice_util.parseSliceParams(x as never, a.begin, a.size) as [number[], number[]];
    slice_util.assertParamsValid(x as never, begin, size);
    for (let d = 0; d < begin.length; d++) util.assert(begin[d]! >= 0, () => 'slice() does not support negative begin indexing.');
    const b = args.backend as unknown as WasmLike;
    const out = b.makeOutput(size, x.dtype);
    if (size.every((v) => v > 0)) {
      // Views taken after makeOutput: allocating can grow (and detach) the heap.
      sliceRuns(b.typedArrayFromHeap(x), x.shape, begin, size, b.typedArrayFromHeap(out));
    }
    return out;
  };
  unregisterKernel('Slice', backendName);
  registerKernel({ kernelName: 'Slice', backendName, kernelFunc, ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}) } satisfies KernelConfig);
  replaced = true;
  return true;
}
