import { engine, getBackend, type KernelFunc, type NamedAttrMap, type NamedTensorMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { ArgumentError, NotSupportedError, ShapeError } from '../../errors/errors.js';
import { BASE64 } from './batch-norm-rows-binary.js';
import { heapOffset, SimdModule, type WasmHeapBackend } from './wasm-module.js';

interface BatchNormExports {
  row_sums(x: number, R: number, L: number, out: number): void;
  row_centered_squares(x: number, m: number, R: number, L: number, C: number, out: number): void;
  row_sums_and_dots(dy: number, xc: number, R: number, L: number, out1: number, out2: number): void;
  row_affine(u: number, v: number, a: number, b: number, s: number, R: number, L: number, C: number, y: number, xc: number, a2: number, s2: number): void;
}

interface HeapAlloc {
  wasm: { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };
}

const simd = new SimdModule<BatchNormExports>(BASE64);

/** Name of the training-mode batch-norm kernel (wasm): inputs `x` `[B, C, ...]`, optional `gamma`, `beta` `[C]`; attribute `eps`; outputs `y`, `xc` (x − mean), `mean`, `variance` (biased), `invStd` `[C]`. */
export const NNKIT_BATCH_NORM_ROWS = 'NnkitBatchNormRows';

/** Name of its gradient kernel (wasm): inputs `dy`, `xc`, `invStd`, optional `gamma`; outputs `dx`, `dGamma`, `dBeta` `[C]`. */
export const NNKIT_BATCH_NORM_ROWS_GRAD = 'NnkitBatchNormRowsGrad';

/** [B, C, L] of a `[B, C, ...]` shape (L = 1 for `[B, C]`). */
function rows(shape: readonly number[]): [number, number, number] {
  return [shape[0]!, shape[1]!, shape.slice(2).reduce((p, v) => p * v, 1)];
}

/**
 * Scratch memory on the wasm heap for one kernel call: `f64` float64 values then `f32` float32
 * values (per-row sums, per-channel factors), freed by `done()`. Views are taken by `views()`
 * after every allocation of the call (allocating may grow the heap and detach older views).
 */
function scratch(backend: object, f64: number, f32: number): { ptr: number; f32ptr: number; views(): [Float64Array, Float32Array]; done(): void } {
  const m = (backend as HeapAlloc).wasm;
  const ptr = m._malloc(f64 * 8 + f32 * 4);
  const f32ptr = ptr + f64 * 8;
  return {
    ptr,
    f32ptr,
    views: () => [new Float64Array(m.HEAPU8.buffer, ptr, f64), new Float32Array(m.HEAPU8.buffer, f32ptr, f32)],
    done: () => m._free(ptr),
  };
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma?: TensorInfo; beta?: TensorInfo };
  const eps = (attrs as unknown as { eps: number }).eps;
  const k = simd.on(backend)!;
  const b = backend as unknown as WasmHeapBackend;
  const [B, C, L] = rows(x.shape);
  const R = B * C;
  const n = B * L;
  const [y, xc, mean, variance, invStd] = [x.shape, x.shape, [C], [C], [C]].map((s) => b.makeOutput([...s], 'float32')) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  // f32 scratch: m, a (scale), s (shift = beta), a2 (ones), s2 (−m), each [C]
  const tmp = scratch(backend, R, 5 * C);
  try {
    const px = heapOffset(backend, x);
    const [pm, pa, ps, pa2, ps2] = [0, 1, 2, 3, 4].map((i) => tmp.f32ptr + i * C * 4) as [number, number, number, number, number];
    k.row_sums(px, R, L, tmp.ptr);
    let [rs, f] = tmp.views();
    const mu = new Float64Array(C);
    for (let r = 0; r < R; r++) mu[r % C]! += rs[r]!;
    for (let c = 0; c < C; c++) f[c] = mu[c]! / n;
    k.row_centered_squares(px, pm, R, L, C, tmp.ptr);
    [rs, f] = tmp.views();
    const v = new Float64Array(C);
    for (let r = 0; r < R; r++) v[r % C]! += rs[r]!;
    const g = gamma ? (b.typedArrayFromHeap(gamma) as Float32Array) : null;
    const be = beta ? (b.typedArrayFromHeap(beta) as Float32Array) : null;
    const [om, ov, oi] = [mean, variance, invStd].map((t) => b.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array];
    for (let c = 0; c < C; c++) {
      const va = v[c]! / n;
      const is = 1 / Math.sqrt(va + eps);
      om[c] = f[c]!;
      ov[c] = va;
      oi[c] = is;
      f[C + c] = g ? g[c]! * is : is;
      f[2 * C + c] = be ? be[c]! : 0;
      f[3 * C + c] = 1;
      f[4 * C + c] = -f[c]!;
    }
    k.row_affine(px, 0, pa, 0, ps, R, L, C, heapOffset(backend, y), heapOffset(backend, xc), pa2, ps2);
  } finally {
    tmp.done();
  }
  return [y, xc, mean, variance, invStd];
};

const gradient: KernelFunc = ({ inputs, backend }) => {
  const { dy, xc, invStd, gamma } = inputs as { dy: TensorInfo; xc: TensorInfo; invStd: TensorInfo; gamma?: TensorInfo };
  const k = simd.on(backend)!;
  const b = backend as unknown as WasmHeapBackend;
  const [B, C, L] = rows(dy.shape);
  const R = B * C;
  const n = B * L;
  const [dx, dGamma, dBeta] = [dy.shape, [C], [C]].map((s) => b.makeOutput([...s], 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  // f64 scratch: Σdy and Σdy·xc per row; f32: P, Rc, S per channel
  const tmp = scratch(backend, 2 * R, 3 * C);
  try {
    const pdy = heapOffset(backend, dy);
    const pxc = heapOffset(backend, xc);
    k.row_sums_and_dots(pdy, pxc, R, L, tmp.ptr, tmp.ptr + R * 8);
    const [rs, f] = tmp.views();
    const is = b.typedArrayFromHeap(invStd) as Float32Array;
    const g = gamma ? (b.typedArrayFromHeap(gamma) as Float32Array) : null;
    const [og, ob] = [dGamma, dBeta].map((t) => b.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array];
    const s1 = new Float64Array(C);
    const s2 = new Float64Array(C);
    for (let r = 0; r < R; r++) {
      s1[r % C]! += rs[r]!;
      s2[r % C]! += rs[R + r]!;
    }
    for (let c = 0; c < C; c++) {
      const dg = s2[c]! * is[c]!;
      const P = g ? g[c]! * is[c]! : is[c]!;
      og[c] = dg;
      ob[c] = s1[c]!;
      f[c] = P;
      f[C + c] = P * is[c]! * (-dg / n);
      f[2 * C + c] = P * (-s1[c]! / n);
    }
    k.row_affine(pdy, pxc, tmp.f32ptr, tmp.f32ptr + C * 4, tmp.f32ptr + 2 * C * 4, R, L, C, heapOffset(backend, dx), 0, 0, 0);
  } finally {
    tmp.done();
  }
  return [dx, dGamma, dBeta];
};

/**
 * Instantiates the batch-norm kernels on tfjs-backend-wasm's memory and registers
 * {@link NNKIT_BATCH_NORM_ROWS} and {@link NNKIT_BATCH_NORM_ROWS_GRAD} (idempotent; awaited by
 * `installKernels('wasm')`). Nothing happens where WebAssembly SIMD is missing.
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installBatchNormRows(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_BATCH_NORM_ROWS, kernelFunc: forward },
    { kernelName: NNKIT_BATCH_NORM_ROWS_GRAD, kernelFunc: gradient },
  ]);
}

/**
 * Whether the current backend has nnkit's SIMD batch-norm kernels ({@link batchNormRows},
 * {@link batchNormRowsGrad}): tfjs-backend-wasm with WebAssembly SIMD, after `initBackend()`.
 *
 * @example `if (hasSimdBatchNorm()) { ... }`
 */
export function hasSimdBatchNorm(): boolean {
  return simd.active();
}

/** The kernels need the wasm backend with SIMD, and a non-empty float32 `[B, C, ...]`. */
function checkRows(fn: string, t: Tensor, what: string): void {
  if (!hasSimdBatchNorm()) throw new NotSupportedError(fn, `needs nnkit's wasm SIMD kernels (backend '${getBackend()}'); check hasSimdBatchNorm() first`);
  if (t.rank < 2 || t.size === 0 || t.dtype !== 'float32') throw new ShapeError(fn, 'non-empty float32 [B, C, ...]', t.dtype === 'float32' ? t.shape : `${t.dtype} [${t.shape.join(', ')}]`, what);
}

/** A per-channel float32 `[C]` tensor, or null. */
function checkChannels(fn: string, t: Tensor | null, C: number, what: string): void {
  if (t !== null && (t.rank !== 1 || t.shape[0] !== C || t.dtype !== 'float32')) throw new ShapeError(fn, `float32 [${C}]`, t.shape, what);
}

/** What {@link batchNormRows} returns (all float32). */
export interface BatchNormRowsResult {
  /** Normalised output, the shape of x. */
  y: Tensor;
  /** `x − mean` (saved for the gradient), the shape of x. */
  xc: Tensor;
  /** Batch mean `[C]`. */
  mean: Tensor;
  /** Biased batch variance `[C]`. */
  variance: Tensor;
  /** `1 / sqrt(variance + eps)` `[C]`. */
  invStd: Tensor;
}

/**
 * Training-mode batch norm of `x` `[B, C, ...]` over every axis but 1, in three passes of nnkit's
 * SIMD kernels (sums in float64 across blocks of 64 values): `y = (x − mean)·γ/sqrt(var + eps) + β`.
 * Not differentiable by itself: a caller's `customGrad` pairs it with {@link batchNormRowsGrad}.
 * Needs {@link hasSimdBatchNorm}.
 *
 * @throws NotSupportedError without the SIMD kernels; ShapeError for an empty or non-float32
 *   input or per-channel tensors that are not `[C]`; ArgumentError for a negative eps.
 * @param gamma, beta `[C]` or null
 * @example `const { y, xc, invStd } = batchNormRows(x, gamma, beta, 1e-5)`
 */
export function batchNormRows(x: Tensor, gamma: Tensor | null, beta: Tensor | null, eps: number): BatchNormRowsResult {
  const fn = 'batchNormRows';
  checkRows(fn, x, 'input');
  const C = x.shape[1]!;
  for (const [t, what] of [[gamma, 'gamma'], [beta, 'beta']] as const) checkChannels(fn, t, C, what);
  if (!(eps >= 0)) throw new ArgumentError(fn, `eps must be a number >= 0, got ${eps}`);
  const inputs: NamedTensorMap = { x, ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}) };
  const [y, xc, mean, variance, invStd] = engine().runKernel(NNKIT_BATCH_NORM_ROWS, inputs, { eps } as unknown as NamedAttrMap) as Tensor[];
  return { y: y!, xc: xc!, mean: mean!, variance: variance!, invStd: invStd! };
}

/**
 * The gradient of {@link batchNormRows}: `dx` (the shape of dy), `dGamma` and `dBeta` `[C]`, as
 * PyTorch's batch-norm backward (two passes: the per-channel sums of dy and dy·xc, then dx).
 *
 * @param dy `[B, C, ...]`; xc, invStd from the forward; gamma `[C]` or null
 * @example `const { dx, dGamma, dBeta } = batchNormRowsGrad(dy, xc, invStd, gamma)`
 */
export function batchNormRowsGrad(dy: Tensor, xc: Tensor, invStd: Tensor, gamma: Tensor | null): { dx: Tensor; dGamma: Tensor; dBeta: Tensor } {
  const fn = 'batchNormRowsGrad';
  checkRows(fn, dy, 'dy');
  if (xc.shape.join() !== dy.shape.join() || xc.dtype !== 'float32') throw new ShapeError(fn, `[${dy.shape.join(', ')}] float32 (the shape of dy)`, xc.shape, 'xc');
  checkChannels(fn, invStd, dy.shape[1]!, 'invStd');
  checkChannels(fn, gamma, dy.shape[1]!, 'gamma');
  const [dx, dGamma, dBeta] = engine().runKernel(NNKIT_BATCH_NORM_ROWS_GRAD, { dy, xc, invStd, ...(gamma ? { gamma } : {}) }, {}) as Tensor[];
  return { dx: dx!, dGamma: dGamma!, dBeta: dBeta! };
}
