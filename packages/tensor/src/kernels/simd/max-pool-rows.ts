import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MaxPoolNchwAttrs } from '../max-pool-nchw.js';
import { BASE64 } from './max-pool-rows-binary.js';
import { heapOffset, SimdModule, wasmHeap } from './wasm-module.js';

interface MaxPoolExports {
  /** `y[p, oh, ow]` = the first maximum (PyTorch's rule) of its window of `x[p]`, `arg` its flat offset in x; windows inside x, dilation 1. */
  mp_windows(x: number, y: number, arg: number, P: number, H: number, W: number, Ho: number, Wo: number, kH: number, kW: number, sH: number, sW: number): void;
}

const simd = new SimdModule<MaxPoolExports>(BASE64);

/**
 * Whether `NnkitMaxPoolNchw` runs on nnkit's SIMD kernel (`max-pool-rows.wat`) on this backend:
 * float32, dilation 1, no padding, every window inside the input (no ceil-mode overhang), a W
 * stride of 1 or 2 (Inception's `3 × 3` / 2, LeNet's `2 × 2` / 2), on tfjs-backend-wasm with SIMD.
 * The JavaScript window scan keeps the others. Measured 2026-12-03, Inception's first pooling
 * (`[1, 64, 147, 147]`, `3 × 3` / 2): 14.2 ms in JavaScript.
 *
 * @param x input `[B, C, H, W]`
 * @example `maxPoolRowsApplies(backend, x, { kernel: [3, 3], strides: [2, 2], pads: [0, 0], dilations: [1, 1], out: [73, 73], inShape: [1, 64, 147, 147] })`
 */
export function maxPoolRowsApplies(backend: object, x: TensorInfo, a: MaxPoolNchwAttrs): boolean {
  const [, , H, W] = x.shape as [number, number, number, number];
  const [kH, kW] = a.kernel;
  const [sH, sW] = a.strides;
  const [Ho, Wo] = a.out;
  return (
    x.dtype === 'float32' &&
    a.dilations[0] === 1 &&
    a.dilations[1] === 1 &&
    a.pads[0] === 0 &&
    a.pads[1] === 0 &&
    (sW === 1 || sW === 2) &&
    Ho > 0 &&
    Wo > 0 &&
    (Ho - 1) * sH + kH <= H &&
    (Wo - 1) * sW + kW <= W &&
    simd.on(backend) !== null
  );
}

/**
 * Kernel-level: the pooling and its arg offsets on the SIMD kernel (the caller checked
 * {@link maxPoolRowsApplies}).
 *
 * @returns `[y, arg]`, both `[B, C, Ho, Wo]` (float32, int32)
 */
export function runMaxPoolRows(backend: object, x: TensorInfo, a: MaxPoolNchwAttrs): TensorInfo[] {
  const b = wasmHeap(backend);
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const shape = [B, C, a.out[0], a.out[1]];
  const y = b.makeOutput(shape, 'float32');
  const arg = b.makeOutput(shape, 'int32');
  if (B * C > 0) {
    // Offsets read after makeOutput: allocating may grow the memory.
    simd.on(backend)!.mp_windows(heapOffset(b, x), heapOffset(b, y), heapOffset(b, arg), B * C, H, W, a.out[0], a.out[1], a.kernel[0], a.kernel[1], a.strides[0], a.strides[1]);
  }
  return [y, arg];
}

/**
 * Instantiates `max-pool-rows.wat` on tfjs-backend-wasm's memory (idempotent; awaited by
 * `installKernels('wasm')`; nothing happens without SIMD). `NnkitMaxPoolNchw` calls it.
 *
 * @returns whether the kernel is in use on this backend.
 */
export async function installMaxPoolRows(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend);
}
