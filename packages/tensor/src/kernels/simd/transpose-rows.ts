import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './transpose-rows-binary.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

interface TransposeExports {
  /** `y[b, c, r] = x[b, r, c]` for 4-byte elements, b < B, r < R, c < C (byte offsets). */
  transpose_rows(x: number, y: number, B: number, R: number, C: number): void;
}

const simd = new SimdModule<TransposeExports>(BASE64);

/** One pass of the SIMD kernel: `[B, R, C] → [B, C, R]`. */
export interface BatchedTranspose {
  B: number;
  R: number;
  C: number;
}

/**
 * The batched 2-D transpose `[B, R, C] → [B, C, R]` that permuting `shape` by `perm` amounts to, or
 * null when it is none. Axes of size 1 are dropped and runs of axes that stay neighbours in `perm`
 * merged: `[64, 22, 1000, 8]` by `[0, 3, 1, 2]` (NHWC → NCHW) is `B = 64, R = 22000, C = 8`, and
 * `[64, 8, 22, 1000]` by `[0, 2, 3, 1]` is `B = 64, R = 8, C = 22000`; a plain 2-D transpose has
 * `B = 1`. Identity permutations (a copy) and empty shapes give null.
 *
 * @example `batchedTransposeForm([2, 3, 4], [0, 2, 1])` → `{ B: 2, R: 3, C: 4 }`
 */
export function batchedTransposeForm(shape: readonly number[], perm: readonly number[]): BatchedTranspose | null {
  const steps = transposeSteps(shape, perm);
  return steps?.length === 1 ? steps[0]! : null;
}

/**
 * The passes of the SIMD kernel that permuting `shape` by `perm` takes: one when it is a batched
 * 2-D transpose ({@link batchedTransposeForm}), two when, after merging, it reverses three runs of
 * axes, `[a, b, c] → [c, b, a]` (after leading axes that stay in place), as a PyTorch
 * `[O, I, kH, kW]` weight and its HWIO form `[kH, kW, I, O]` are to each other; null for the
 * others (tfjs' kernel, which also copies the permutations that keep an innermost run, such as
 * `[a, b, c] → [b, a, c]`, about as fast as two passes would). Two passes of 4 × 4 blocks beat
 * one pass a value at a time: measured 2026-12-03, medians of 15, `[3, 3, 448, 384]` by
 * `[3, 2, 0, 1]` (Mixed_7b's filter gradient back to PyTorch's layout) 9.6–13.1 → 1.4–2.0 ms,
 * `[384, 448, 3, 3]` by `[2, 3, 1, 0]` (its weight to HWIO) 1.6 → 1.2 ms, `[8, 149, 149, 32]`
 * by `[3, 1, 2, 0]` (an input as the generic filter gradient's batch) 12.9–13.1 → 6.4–6.5 ms.
 *
 * @example `transposeSteps([3, 3, 448, 384], [3, 2, 0, 1])` → `[{ B: 9, R: 448, C: 384 }, { B: 1, R: 9, C: 172032 }]`
 */
export function transposeSteps(shape: readonly number[], perm: readonly number[]): BatchedTranspose[] | null {
  if (shape.some((d) => d === 0) || perm.length !== shape.length) return null;
  // drop size-1 axes, renumbering the rest in input order
  const kept = shape.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
  const rank = new Map(kept.map((axis, i) => [axis, i]));
  const p = perm.filter((a) => shape[a] !== 1).map((a) => rank.get(a)!);
  const s = kept.map((a) => shape[a]!);
  // merge runs of consecutive input axes that are consecutive in p: groups in output order
  const groups: number[][] = [];
  for (const a of p) {
    const g = groups[groups.length - 1];
    if (g !== undefined && g[g.length - 1]! + 1 === a) g.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((g, h) => g[0]! - h[0]!);
  const sizes = byInput.map((g) => g.reduce((n, a) => n * s[a]!, 1));
  let order = groups.map((g) => byInput.indexOf(g)); // the reduced permutation
  // a leading run that stays in place is a batch of every pass
  const L = order.length > 2 && order[0] === 0 ? sizes.shift()! : 1;
  if (L !== 1) order = order.slice(1).map((i) => i - 1);
  const key = order.join();
  if (key === '1,0') return [{ B: L, R: sizes[0]!, C: sizes[1]! }];
  const [a, b, c] = sizes as [number, number, number];
  // [a, b, c] → [a, c, b] → [c·b, a]
  if (key === '2,1,0') return [
    { B: L * a, R: b, C: c },
    { B: L, R: a, C: c * b },
  ];
  return null;
}

/** Whether the SIMD transpose is installed on `backend`. */
export function hasSimdTranspose(backend: object): boolean {
  return simd.on(backend) !== null;
}

/**
 * Instantiates the SIMD transpose (`transpose-rows.wat`) on tfjs-backend-wasm's memory and wraps
 * the wasm `Transpose` kernel so that float32 and int32 permutations of the forms of
 * {@link transposeSteps} (one pass or two: every NCHW ↔ NHWC change of layout around a
 * convolution, pooling or batch norm, and a weight's PyTorch ↔ HWIO layouts) run on it: 4 × 4
 * blocks moved with SIMD shuffles, against tfjs' one value at a
 * time. The copy is bit for bit. Other permutations and dtypes go to the kernel it wraps
 * (idempotent; awaited by `installKernels('wasm')`; nothing changes where WebAssembly SIMD is missing).
 *
 * @returns whether the kernel is in use on this backend.
 * @example `await installTransposeRows(tf.findBackend('wasm'))`
 */
export async function installTransposeRows(backend: object | null | undefined): Promise<boolean> {
  if (!(await simd.install(backend))) return false;
  simd.wrapKernel('Transpose', (k, args) => {
    const x = args.inputs.x as TensorInfo;
    const perm = (args.attrs as unknown as { perm: number[] }).perm;
    const steps = x.dtype === 'float32' || x.dtype === 'int32' ? transposeSteps(x.shape, perm) : null;
    if (steps === null) return null;
    const b = args.backend as unknown as WasmHeapBackend;
    const y = b.makeOutput(
      perm.map((a) => x.shape[a]!),
      x.dtype,
    );
    // Two passes go through a scratch buffer; offsets are read after every allocation (allocating may grow the memory).
    const mid = steps.length > 1 ? b.makeOutput([x.shape.reduce((n, d) => n * d, 1)], x.dtype) : null;
    const buffers = mid === null ? [x, y] : [x, mid, y];
    steps.forEach((s, i) => k.transpose_rows(heapOffset(b, buffers[i]!), heapOffset(b, buffers[i + 1]!), s.B, s.R, s.C));
    if (mid !== null) b.disposeData(mid.dataId);
    return y;
  });
  return true;
}
