import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './transpose-rows-binary.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

interface TransposeExports {
  /** `y[b, c, r] = x[b, r, c]` for 4-byte elements, b < B, r < R, c < C (byte offsets). */
  transpose_rows(x: number, y: number, B: number, R: number, C: number): void;
}

const simd = new SimdModule<TransposeExports>(BASE64);

/**
 * The batched 2-D transpose `[B, R, C] → [B, C, R]` that permuting `shape` by `perm` amounts to, or
 * null when it is none. Axes of size 1 are dropped and runs of axes that stay neighbours in `perm`
 * merged: `[64, 22, 1000, 8]` by `[0, 3, 1, 2]` (NHWC → NCHW) is `B = 64, R = 22000, C = 8`, and
 * `[64, 8, 22, 1000]` by `[0, 2, 3, 1]` is `B = 64, R = 8, C = 22000`; a plain 2-D transpose has
 * `B = 1`. Identity permutations (a copy) and empty shapes give null.
 *
 * @example `batchedTransposeForm([2, 3, 4], [0, 2, 1])` → `{ B: 2, R: 3, C: 4 }`
 */
export function batchedTransposeForm(shape: readonly number[], perm: readonly number[]): { B: number; R: number; C: number } | null {
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
  const size = (g: number[]): number => g.reduce((n, a) => n * s[a]!, 1);
  const byInput = [...groups].sort((g, h) => g[0]! - h[0]!);
  const order = groups.map((g) => byInput.indexOf(g)); // the reduced permutation
  if (order.length === 2 && order[0] === 1) return { B: 1, R: size(byInput[0]!), C: size(byInput[1]!) };
  if (order.length === 3 && order[0] === 0 && order[1] === 2 && order[2] === 1) return { B: size(byInput[0]!), R: size(byInput[1]!), C: size(byInput[2]!) };
  return null;
}

/** Whether the SIMD transpose is installed on `backend`. */
export function hasSimdTranspose(backend: object): boolean {
  return simd.on(backend) !== null;
}

/**
 * Instantiates the SIMD transpose (`transpose-rows.wat`) on tfjs-backend-wasm's memory and wraps
 * the wasm `Transpose` kernel so that float32 and int32 permutations of the form of
 * {@link batchedTransposeForm} (every NCHW ↔ NHWC change of layout around a convolution, pooling
 * or batch norm) run on it: 4 × 4 blocks moved with SIMD shuffles, against tfjs' one value at a
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
    const form = x.dtype === 'float32' || x.dtype === 'int32' ? batchedTransposeForm(x.shape, perm) : null;
    if (form === null) return null;
    const y = (args.backend as unknown as WasmHeapBackend).makeOutput(
      perm.map((a) => x.shape[a]!),
      x.dtype,
    );
    // Offsets read after makeOutput: allocating may grow the memory.
    k.transpose_rows(heapOffset(args.backend, x), heapOffset(args.backend, y), form.B, form.R, form.C);
    return y;
  });
  return true;
}
