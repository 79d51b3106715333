import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './row-vector-binary.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

/** `(a, tile, y, n, T)`: `y[i] = a[i] op tile[i mod T]`, pointers in bytes, `T` a multiple of 4. */
type TileFn = (a: number, tile: number, y: number, n: number, T: number) => void;

interface RowVectorExports {
  add_tile: TileFn;
  mul_tile: TileFn;
  add_tile_relu: TileFn;
}

const simd = new SimdModule<RowVectorExports>(BASE64);

/** What the kernel needs of the backend beyond {@link WasmHeapBackend}: freeing the tile. */
interface TileBackend extends WasmHeapBackend {
  disposeData(dataId: object): boolean;
}

/**
 * Whether `a op b` is a tensor with a row vector along its last axis, and which operand is which:
 * both float32, one operand (`full`) non-empty and of rank ≥ the other's, the other all ones but
 * its last axis, which equals `full`'s last axis (`[B, H, W, C] + [C]` or `+ [1, 1, 1, C]`).
 *
 * @returns the full operand's index (0 or 1) and `C`, or null
 * @example `rowVectorForm([32, 28, 28, 6], [1, 1, 1, 6])` → `{ full: 0, C: 6 }`
 */
export function rowVectorForm(a: readonly number[], b: readonly number[]): { full: 0 | 1; C: number } | null {
  const isRow = (v: readonly number[], f: readonly number[]): boolean =>
    v.length >= 1 && v.length <= f.length && f.length >= 1 && v.every((d, i) => (i === v.length - 1 ? d === f[f.length - 1] : d === 1)) && f.every((d) => d > 0);
  const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
  // the full operand is the larger one (same size: a vector against a vector; tfjs' loop is fast)
  if (size(a) > size(b) && isRow(b, a)) return { full: 0, C: a[a.length - 1]! };
  if (size(b) > size(a) && isRow(a, b)) return { full: 1, C: b[b.length - 1]! };
  return null;
}

/**
 * Runs `fn(full, tile, y)` with the row vector `vec` (`C` values, or null for zeros) as a tile:
 * the vector itself when C is a multiple of 4, else repeated 4 times (a scratch buffer).
 */
function applyTile(be: TileBackend, fn: TileFn, full: TensorInfo, vec: TensorInfo | null, y: TensorInfo, C: number): void {
  const T = C % 4 === 0 ? C : 4 * C;
  const tile = vec !== null && T === C ? vec : be.makeOutput([T], 'float32');
  if (tile !== vec) {
    const t = be.typedArrayFromHeap(tile) as Float32Array;
    if (vec === null) t.fill(0);
    else for (let r = 0; r < 4; r++) t.set(be.typedArrayFromHeap(vec) as Float32Array, r * C);
  }
  // Offsets read after every makeOutput: allocating may grow the memory.
  const n = full.shape.reduce((p, d) => p * d, 1);
  fn(heapOffset(be, full), heapOffset(be, tile), heapOffset(be, y), n, T);
  if (tile !== vec) be.disposeData(tile.dataId);
}

/**
 * Kernel-level: a convolution's epilogue in place on its fresh NHWC output `y` (`[…, C]`):
 * `y += bias` (`[C]`, or none) and, with `relu`, `y = max(y, 0)`, in one pass on the row-vector
 * kernel (the caller checked {@link hasSimdRowVector}). The same float32 add as the `Add` it
 * replaces, so the same bits.
 *
 * @example `rowVectorEpilogue(backend, y, bias, true) // relu(conv + bias) inside NnkitConv2D`
 */
export function rowVectorEpilogue(backend: object, y: TensorInfo, bias: TensorInfo | null, relu: boolean): void {
  const k = simd.on(backend)!;
  applyTile(backend as TileBackend, relu ? k.add_tile_relu : k.add_tile, y, bias, y, y.shape[y.shape.length - 1]!);
}

/** Whether the row-vector kernel is installed on `backend` (tfjs-backend-wasm with SIMD). */
export function hasSimdRowVector(backend: object): boolean {
  return simd.on(backend) !== null;
}

/**
 * Instantiates `row-vector.wat` on tfjs-backend-wasm's memory and wraps the wasm `Add` and
 * `Multiply` kernels: float32 operands of {@link rowVectorForm} run on the SIMD kernel (same sums
 * and products, bit for bit: the same float32 operation per element), everything else on tfjs'.
 * Idempotent; awaited by `installKernels('wasm')`; nothing happens without SIMD.
 *
 * @returns whether the kernel is in use on this backend.
 */
export async function installRowVector(backend: object | null | undefined): Promise<boolean> {
  if (!(await simd.install(backend))) return false;
  for (const [name, op] of [
    ['Add', 'add_tile'],
    ['Multiply', 'mul_tile'],
  ] as const) {
    simd.wrapKernel(name, (k, args) => {
      const a = args.inputs.a as TensorInfo;
      const b = args.inputs.b as TensorInfo;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      const form = rowVectorForm(a.shape, b.shape);
      if (form === null) return null;
      const [full, vec] = form.full === 0 ? [a, b] : [b, a];
      const be = args.backend as unknown as TileBackend;
      const y = be.makeOutput([...full.shape], 'float32');
      applyTile(be, k[op], full, vec, y, form.C);
      return y;
    });
  }
  return true;
}
