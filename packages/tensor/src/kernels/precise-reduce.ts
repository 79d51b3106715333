import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { mergeAxes } from './gradients/util.js';
import { reduceRowsOn, type ReduceRowsExports } from './simd/reduce-rows.js';

/** Sum of the len contiguous values at off, in float64 (four accumulators: no serial add chain). */
function rowSum(vals: Float32Array, off: number, len: number): number {
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let j = off;
  const end = off + len;
  for (; j + 3 < end; j += 4) {
    t0 += vals[j]!;
    t1 += vals[j + 1]!;
    t2 += vals[j + 2]!;
    t3 += vals[j + 3]!;
  }
  for (; j < end; j++) t0 += vals[j]!;
  return t0 + t1 + (t2 + t3);
}

/** Adds `rows` consecutive rows of len values at off into acc[outOff ..], four rows per pass. */
function addRows(vals: Float32Array, acc: Float64Array, off: number, rows: number, len: number, outOff: number): void {
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const b0 = off + r * len;
    const b1 = b0 + len;
    const b2 = b1 + len;
    const b3 = b2 + len;
    for (let j = 0; j < len; j++) acc[outOff + j]! += vals[b0 + j]! + vals[b1 + j]! + (vals[b2 + j]! + vals[b3 + j]!);
  }
  for (; r < rows; r++) {
    const b = off + r * len;
    for (let j = 0; j < len; j++) acc[outOff + j]! += vals[b + j]!;
  }
}

/** `d` rows (stride `is`) of `len` values each summed into acc[outOff + j·os]. */
function sumRows(vals: Float32Array, acc: Float64Array, off: number, d: number, is: number, len: number, outOff: number, os: number): void {
  if (len >= 16) {
    for (let j = 0; j < d; j++) acc[outOff + j * os]! += rowSum(vals, off + j * is, len);
    return;
  }
  // Short rows (class scores, small kernels): one plain loop, no call per row.
  for (let j = 0; j < d; j++) {
    const b = off + j * is;
    let t = 0;
    for (let k = 0; k < len; k++) t += vals[b + k]!;
    acc[outOff + j * os]! += t;
  }
}

interface Layout {
  sizes: number[];
  reduced: boolean[];
  inStride: number[];
  outStride: number[];
}

/** The two innermost loops of a reduction (offsets in elements of the input and accumulator). */
interface Leaves {
  /** `d` rows (stride `is`) of `len` values each summed into acc[outOff + j·os]. */
  sumRows(off: number, d: number, is: number, len: number, outOff: number, os: number): void;
  /** `rows` consecutive rows of `len` values added into acc[outOff ..]. */
  addRows(off: number, rows: number, len: number, outOff: number): void;
}

/** The JavaScript leaves, on `vals` and a float64 `acc`. */
function jsLeaves(vals: Float32Array, acc: Float64Array): Leaves {
  return {
    sumRows: (off, d, is, len, outOff, os) => sumRows(vals, acc, off, d, is, len, outOff, os),
    addRows: (off, rows, len, outOff) => addRows(vals, acc, off, rows, len, outOff),
  };
}

/** Walks the collapsed dimensions in memory order down to the last two, which are of different kinds. */
function walk(leaves: Leaves, L: Layout, dim: number, inOff: number, outOff: number): void {
  const d = L.sizes[dim]!;
  const is = L.inStride[dim]!;
  const os = L.outStride[dim]!;
  const last = L.sizes.length - 1;
  if (dim === last - 1) {
    const len = L.sizes[last]!;
    if (L.reduced[last]) leaves.sumRows(inOff, d, is, len, outOff, os);
    else leaves.addRows(inOff, d, len, outOff);
    return;
  }
  for (let j = 0; j < d; j++) walk(leaves, L, dim + 1, inOff + j * is, outOff + j * os);
}

/** The collapsed layout of a reduction of `shape` over `axes`, and its output size. */
function layoutOf(shape: readonly number[], axes: readonly number[]): { L: Layout; outSize: number } {
  // Collapse runs of consecutive kept / reduced axes: [B, C, H, W] over {0, 2, 3} → R·K·R.
  const { sizes, reduced } = mergeAxes(shape, axes);
  const n = sizes.length;
  const inStride = new Array<number>(n);
  const outStride = new Array<number>(n);
  let s = 1;
  let outSize = 1;
  for (let i = n - 1; i >= 0; i--) {
    inStride[i] = s;
    s *= sizes[i]!;
    outStride[i] = reduced[i] ? 0 : outSize;
    if (!reduced[i]) outSize *= sizes[i]!;
  }
  return { L: { sizes, reduced, inStride, outStride }, outSize };
}

/** Runs the reduction of `L` with `leaves` into a zeroed accumulator; `setScalar` handles a rank-0 input. */
function run(leaves: Leaves, L: Layout, setScalar: () => void): void {
  const n = L.sizes.length;
  if (n === 0) setScalar();
  else if (n === 1) {
    if (L.reduced[0]) leaves.sumRows(0, 1, 0, L.sizes[0]!, 0, 0);
    else leaves.addRows(0, 1, L.sizes[0]!, 0);
  } else walk(leaves, L, 0, 0, 0);
}

/**
 * Sums of a float32 array over `axes`, accumulated in float64 and rounded once to float32 —
 * what PyTorch's CPU reductions (batch-norm statistics, `sum`, `mean`) do. `scale` multiplies
 * every result (1/n for a mean). The input is read once, in memory order.
 *
 * @param vals the tensor's values (row-major)
 * @param shape its shape
 * @param axes the reduced axes (any order, no duplicates)
 * @returns the reduced values, kept axes in their original order
 */
export function reduceSumF64(vals: Float32Array, shape: readonly number[], axes: readonly number[], scale = 1): Float32Array {
  const { L, outSize } = layoutOf(shape, axes);
  const acc = new Float64Array(outSize);
  run(jsLeaves(vals, acc), L, () => (acc[0] = vals[0] ?? 0));
  const out = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) out[i] = acc[i]! * scale;
  return out;
}

interface HeapAlloc {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
}

/**
 * {@link reduceSumF64} on nnkit's SIMD leaves (`simd/reduce-rows.wat`): the input at byte offset
 * `xPtr` of the wasm heap, the float64 accumulator in a heap scratch buffer; the same precision.
 */
function reduceSumF64Wasm(k: ReduceRowsExports, heap: HeapAlloc, xPtr: number, shape: readonly number[], axes: readonly number[], scale: number): Float32Array {
  const { L, outSize } = layoutOf(shape, axes);
  const accPtr = heap._malloc(outSize * 8);
  try {
    new Float64Array(heap.HEAPU8.buffer, accPtr, outSize).fill(0);
    const leaves: Leaves = {
      sumRows: (off, d, is, len, outOff, os) => k.sum_rows(xPtr + off * 4, d, is, len, accPtr + outOff * 8, os),
      addRows: (off, rows, len, outOff) => k.add_rows(xPtr + off * 4, accPtr + outOff * 8, rows, len),
    };
    run(leaves, L, () => (new Float64Array(heap.HEAPU8.buffer, accPtr, 1)[0] = new Float32Array(heap.HEAPU8.buffer, xPtr, 1)[0]!));
    const acc = new Float64Array(heap.HEAPU8.buffer, accPtr, outSize);
    const out = new Float32Array(outSize);
    for (let i = 0; i < outSize; i++) out[i] = acc[i]! * scale;
    return out;
  } finally {
    heap._free(accPtr);
  }
}

interface WasmLike {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

function normalizeAxes(axis: number | number[] | undefined, rank: number): number[] {
  const list = axis === undefined || axis === null ? [...Array(rank).keys()] : Array.isArray(axis) ? axis : [axis];
  return list.map((a) => (a < 0 ? a + rank : a));
}

function preciseKernel(name: 'Sum' | 'Mean', original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32') return original.kernelFunc(args);
    const b = backend as unknown as WasmLike;
    const a = attrs as unknown as { axis?: number | number[]; keepDims?: boolean };
    const axes = normalizeAxes(a.axis, x.shape.length);
    const outShape = x.shape.flatMap((d, i) => (axes.includes(i) ? (a.keepDims ? [1] : []) : [d]));
    const n = axes.reduce((p, i) => p * x.shape[i]!, 1);
    const out = b.makeOutput(outShape, 'float32');
    if (n > 0) {
      const k = reduceRowsOn(backend);
      const xs = b.typedArrayFromHeap(x);
      const scale = name === 'Mean' ? 1 / n : 1;
      const res = k !== null ? reduceSumF64Wasm(k, (backend as unknown as { wasm: HeapAlloc }).wasm, xs.byteOffset, x.shape, axes, scale) : reduceSumF64(xs, x.shape, axes, scale);
      // Read the heap view after makeOutput: allocating can grow (and detach) the heap.
      b.typedArrayFromHeap(out).set(res);
    } else b.typedArrayFromHeap(out).fill(name === 'Mean' ? NaN : 0); // an empty reduction (the heap is not zeroed)
    return out;
  };
  // The original's setupFunc binds its wasm function to each new backend instance (after
  // `engine().reset()` + `setBackend('wasm')`); without it int32/bool sums call a stale binding.
  return {
    kernelName: name,
    backendName: original.backendName,
    kernelFunc,
    ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
    ...(original.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
  };
}

const replaced = new Map<string, KernelConfig>();

/**
 * Replaces the wasm backend's float32 `Sum` and `Mean` kernels with ones that accumulate in
 * float64 (int32 inputs still use the original kernels). tfjs-backend-wasm sums in float32, one
 * element after the other, so the error grows with the number of summed values: a batch norm
 * over 64 × 1000 values per channel was off PyTorch by 4e-5, gradients of large batches by
 * 1e-4 and more. PyTorch accumulates these reductions in float64 on the CPU; so do these
 * kernels, at about the same speed for the reductions nnkit runs. `Max`, `Min`, `Prod` are
 * untouched. Called by `installKernels('wasm')`; idempotent. The tfjs-backend-cpu kernels
 * already accumulate in float64 (JavaScript numbers) and are left alone.
 *
 * @returns whether the kernels were replaced now (false when already done or not on wasm).
 */
export function installPreciseReductions(backendName: string): boolean {
  if (backendName !== 'wasm' || replaced.has(backendName)) return false;
  for (const name of ['Sum', 'Mean'] as const) {
    const original = getKernel(name, backendName);
    if (original === undefined) continue;
    unregisterKernel(name, backendName);
    registerKernel(preciseKernel(name, original));
    replaced.set(`${backendName}/${name}`, original);
  }
  replaced.set(backendName, undefined as never);
  return true;
}
