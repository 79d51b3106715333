import { BASE64 } from './reduce-rows-binary.js';
import { SimdModule } from './wasm-module.js';

/** The SIMD leaves of the float64-accumulating reductions (`reduce-rows.wat`); pointers are byte offsets. */
export interface ReduceRowsExports {
  /** `acc[j] += Σ_{r < rows} x[r·len + j]` (acc float64, x float32), j < len. */
  add_rows(x: number, acc: number, rows: number, len: number): void;
  /** `acc[j·os] += Σ_{k < len} x[j·is + k]`, j < d (`is`, `os` in elements). */
  sum_rows(x: number, d: number, is: number, len: number, acc: number, os: number): void;
}

const simd = new SimdModule<ReduceRowsExports>(BASE64);

/**
 * Instantiates the reduction leaves on tfjs-backend-wasm's memory (idempotent; awaited by
 * `installKernels('wasm')`); the precise `Sum` and `Mean` kernels use them when present.
 *
 * @returns whether they are in use on this backend.
 */
export async function installReduceRows(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend);
}

/** The reduction leaves on `backend`, or null (not installed: the JavaScript leaves run). */
export function reduceRowsOn(backend: object): ReduceRowsExports | null {
  return simd.on(backend);
}
