import { BASE64 } from './matmul-tiles-binary.js';
import { SimdModule } from './wasm-module.js';

interface TilesExports {
  /** `c[i, j] = Σ_t a(i, t)·b[t, j]`, a(i, t) at `a + i·sai + t·sat` (bytes); b `[K, n]`; c `[m, n]` overwritten. */
  mm_tiles(a: number, b: number, c: number, m: number, K: number, n: number, sai: number, sat: number): void;
}

const simd = new SimdModule<TilesExports>(BASE64);

/**
 * Columns of `b` per register tile of `matmul-tiles.wat`, and the fewest for which nnkit takes a
 * product there (narrower ones would run mostly in its 4-column and one-column loops).
 */
export const TILE_COLUMNS = 8;

/**
 * Whether nnkit's pack-free SIMD product (`matmul-tiles.wat`) can run now: tfjs-backend-wasm
 * with SIMD and the module installed on it.
 */
export function tilesActive(): boolean {
  return simd.active();
}

/**
 * Kernel-level: `c = a·b` on the pack-free SIMD product, every `c[i, j]` the running sum over
 * `t = 0 … K − 1` in float32 whichever register tile it falls in (a row of `c` does not depend on
 * how many rows `a` has). Pointers are byte offsets into the wasm heap; the caller checked
 * {@link tilesActive}.
 *
 * @param a `a(i, t)` at `a + i·sai + t·sat`: `[m, K]` row-major has `sai = 4K, sat = 4`
 * @param b `[K, n]` row-major; c `[m, n]`, overwritten
 * @example `mmTiles(backend, colsPtr, filterPtr, outPtr, M, K, Co, 4 * K, 4)` // a convolution's forward pass
 */
export function mmTiles(backend: object, a: number, b: number, c: number, m: number, K: number, n: number, sai: number, sat: number): void {
  simd.on(backend)!.mm_tiles(a, b, c, m, K, n, sai, sat);
}

/**
 * Instantiates `matmul-tiles.wat` on tfjs-backend-wasm's memory (idempotent; awaited by
 * `installKernels('wasm')`; nothing happens without SIMD). It registers no kernel of its own:
 * `NnkitConv2D` calls it (see `tiles-conv.ts`).
 *
 * @returns whether the product is in use on this backend.
 */
export async function installMatMulTiles(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend);
}
