import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './matmul-tall-binary.js';
import { mmTiles, TILE_COLUMNS, tilesActive } from './matmul-tiles.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

interface TallExports {
  /** `c[i, j] = Σ_t a(i, t)·b[t, j]`, a(i, t) at `a + i·sai + t·sat` (bytes); c `[m, n]` overwritten. */
  mm_tall(a: number, b: number, c: number, m: number, N: number, n: number, sai: number, sat: number): void;
  /** `c[i, j] = a[i]·b[j]`, c `[m, n]`. */
  mm_outer(a: number, b: number, c: number, m: number, n: number): void;
  /** `c[i] = Σ_t a[i, t]·b[t]`, a `[m, N]`, c `[m]`. */
  mm_vec(a: number, b: number, c: number, m: number, N: number): void;
}

const simd = new SimdModule<TallExports>(BASE64);

/** Most rows of a non-transposed left operand for the SIMD kernel (above it XNNPACK's GEMM is as fast, measured). */
export const TALL_MATMUL_MAX_ROWS = 64;

/**
 * Least ratio of `b`'s rows to its columns (N / n) for the SIMD kernel: it reuses each loaded row
 * of `b` for one row of `a` only, which pays when a chunk of `b` stays in L1 (tall and narrow);
 * for wide `b` XNNPACK's register tiles win (measured `[64, 64]·[64, 1024]`: 0.48 ms against 1.1).
 */
export const TALL_MATMUL_MIN_RATIO = 2;

/**
 * Whether `BatchMatMul` with these operands runs on nnkit's SIMD kernel (`matmul-tall.wat`) on
 * tfjs-backend-wasm: float32, no batch (all leading axes 1), `b` not transposed with a multiple
 * of 4 columns, and `a` transposed (`aᵀ·b`: a weight or filter gradient; tfjs' kernel is 8–10×
 * slower there) or of at most {@link TALL_MATMUL_MAX_ROWS} rows (XNNPACK repacks `b` on every
 * call: 2–3× slower for few rows). Empty operands keep the original kernel.
 *
 * @param a `[..., m, N]` (or `[..., N, m]` when `transposeA`)
 * @param b `[..., N, n]`
 */
export function tallMatMulApplies(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): boolean {
  const d = dims(a, b, transposeA, transposeB);
  return d !== null && !transposeB && d.m > 0 && d.N > 0 && d.Nb === d.N && d.n % 4 === 0 && d.n > 0 && d.N >= TALL_MATMUL_MIN_RATIO * d.n && (transposeA || d.m <= TALL_MATMUL_MAX_ROWS);
}

/**
 * The sizes of `op(a)·op(b)` for operands without a batch (every leading axis 1), or null: m rows,
 * N the contracted length on `a`'s side and Nb on `b`'s (they agree for a valid product), n columns,
 * and the leading axes of the output.
 */
function dims(a: readonly number[], b: readonly number[], tA: boolean, tB: boolean): { m: number; N: number; Nb: number; n: number; lead: number[] } | null {
  const one = (s: readonly number[]): boolean => s.length >= 2 && s.slice(0, -2).every((v) => v === 1);
  if (!one(a) || !one(b)) return null;
  const [a0, a1] = [a[a.length - 2]!, a[a.length - 1]!];
  const [b0, b1] = [b[b.length - 2]!, b[b.length - 1]!];
  return { m: tA ? a1 : a0, N: tA ? a0 : a1, Nb: tB ? b1 : b0, n: tB ? b0 : b1, lead: (a.length >= b.length ? a : b).slice(0, -2) };
}

/**
 * Whether `BatchMatMul` with these operands is an outer product that runs on nnkit's SIMD kernel
 * (`mm_outer`): float32, no batch, a contracted dimension of 1 (either operand transposed or not:
 * both are then contiguous vectors) and a multiple of 4 columns. tfjs' broadcasting multiply
 * takes ~2 ns per output element there, XNNPACK's K = 1 GEMM more.
 */
export function outerMatMulApplies(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): boolean {
  const d = dims(a, b, transposeA, transposeB);
  return d !== null && d.N === 1 && d.Nb === 1 && d.m > 0 && d.n > 0 && d.n % 4 === 0;
}

/** Longest rows for the SIMD matrix-vector product: XNNPACK's GEMM is as fast on long rows (measured). */
export const VEC_MATMUL_MAX_INNER = 64;

/**
 * Whether `BatchMatMul` with these operands is a matrix-vector product `a·b` (float32, no batch,
 * neither operand transposed, `b` one column) with rows of at most {@link VEC_MATMUL_MAX_INNER}
 * values, run by nnkit's SIMD kernel (`mm_vec`): the row sums of non-overlapping pooling windows
 * (`[N, k]·[k, 1]`), where XNNPACK's one-column GEMM is slow.
 */
export function vecMatMulApplies(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): boolean {
  const d = dims(a, b, transposeA, transposeB);
  return d !== null && !transposeA && !transposeB && d.m > 0 && d.N > 0 && d.N <= VEC_MATMUL_MAX_INNER && d.Nb === d.N && d.n === 1;
}

/**
 * Whether `BatchMatMul` with these operands runs on nnkit's pack-free SIMD product
 * (`matmul-tiles.wat`, 4 × 8 register tiles): float32, no batch, `b` not transposed with at
 * least {@link TILE_COLUMNS} columns, `a` plain or transposed, non-empty. It is as fast as
 * XNNPACK's GEMM with `b` already packed and faster with a new `b`, which XNNPACK packs on every
 * call, and takes `aᵀ·b` natively, which tfjs runs in a scalar loop (measured 2026-12-03: an
 * Inception filter gradient `[4032, 64]ᵀ·[64, 384]` 183 → 14.7 ms, LeNet's fc1 weight gradient
 * `[32, 400]ᵀ·[32, 120]` 3.1 → 0.27 ms, `[64, 2048]·[2048, 448]` 13.7 → 10.4 ms). Each output is
 * the running sum over the contracted axis whichever tile computes it: a row of the product does
 * not depend on how many rows `a` has.
 *
 * @param a `[..., m, N]` (or `[..., N, m]` when `transposeA`)
 * @param b `[..., N, n]`
 */
export function tilesMatMulApplies(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): boolean {
  const d = dims(a, b, transposeA, transposeB);
  return d !== null && !transposeB && d.m > 0 && d.N > 0 && d.Nb === d.N && d.n >= TILE_COLUMNS && tilesActive();
}

/** Whether the SIMD matrix product is installed on `backend`. */
export function hasTallMatMul(backend: object): boolean {
  return simd.on(backend) !== null;
}

/**
 * Instantiates the SIMD matrix product on tfjs-backend-wasm's memory and wraps the wasm
 * `BatchMatMul` kernel so that the outer products of {@link outerMatMulApplies}, the short
 * matrix-vector products of {@link vecMatMulApplies}, the products of {@link tilesMatMulApplies}
 * (on `matmul-tiles.wat`, when installed) and those of {@link tallMatMulApplies} run on nnkit's kernels (idempotent; awaited by `installKernels('wasm')`). Nothing changes where WebAssembly SIMD is missing.
 *
 * @returns whether the kernel is in use on this backend.
 * @example `await installTallMatMul(tf.findBackend('wasm'))`
 */
export async function installTallMatMul(backend: object | null | undefined): Promise<boolean> {
  if (!(await simd.install(backend))) return false;
  simd.wrapKernel('BatchMatMul', (k, args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    const kind = outerMatMulApplies(a.shape, b.shape, transposeA, transposeB)
      ? 'outer'
      : vecMatMulApplies(a.shape, b.shape, transposeA, transposeB)
        ? 'vec'
        : tilesMatMulApplies(a.shape, b.shape, transposeA, transposeB)
          ? 'tiles'
          : tallMatMulApplies(a.shape, b.shape, transposeA, transposeB)
            ? 'tall'
            : null;
    if (kind === null) return null;
    const { m, N, n, lead } = dims(a.shape, b.shape, transposeA, transposeB)!;
    const c = (args.backend as unknown as WasmHeapBackend).makeOutput([...lead, m, n], 'float32');
    // Offsets read after makeOutput: allocating may grow the memory.
    const [pa, pb, pc] = [a, b, c].map((t) => heapOffset(args.backend, t)) as [number, number, number];
    if (kind === 'outer') k.mm_outer(pa, pb, pc, m, n);
    else if (kind === 'vec') k.mm_vec(pa, pb, pc, m, N);
    else if (kind === 'tiles') mmTiles(args.backend, pa, pb, pc, m, N, n, transposeA ? 4 : 4 * N, transposeA ? 4 * m : 4);
    else k.mm_tall(pa, pb, pc, m, N, n, transposeA ? 4 : 4 * N, transposeA ? 4 * m : 4);
    return c;
  });
  return true;
}
