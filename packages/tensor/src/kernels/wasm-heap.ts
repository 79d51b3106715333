import { findBackend, getBackend } from '@tensorflow/tfjs-core';
import { OutOfMemoryError } from '../errors/errors.js';

/** The most a wasm32 module's memory can grow to (tfjs-backend-wasm 4.22 is built for it: 65535 pages). */
export const WASM_HEAP_MAX_BYTES = 4294901760;

interface WasmModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
}

const MiB = 2 ** 20;
const mib = (n: number): string => `${(n / MiB).toFixed(0)} MiB`;
const guarded = new WeakSet<object>();

function wasmModule(): WasmModule | null {
  const b = findBackend('wasm') as unknown as { wasm?: WasmModule } | null;
  const m = b?.wasm;
  return m && typeof m._malloc === 'function' && m.HEAPU8 instanceof Uint8Array ? m : null;
}

/**
 * The size of tfjs-backend-wasm's heap now (bytes; it grows, never shrinks, up to
 * {@link WASM_HEAP_MAX_BYTES}), or null when the wasm backend is not running.
 *
 * @example
 * ```ts
 * wasmHeapBytes(); // e.g. 3_598_188_544 after an Inception v3 b8 train step
 * ```
 */
export function wasmHeapBytes(): number | null {
  return wasmModule()?.HEAPU8.buffer.byteLength ?? null;
}

/**
 * Makes a failed tensor allocation on tfjs-backend-wasm throw an {@link OutOfMemoryError}
 * (request and heap size in the message) instead of going on with a null pointer: tfjs 4.22 does
 * not check `malloc`'s result, so a full heap wrote tensors at address 0 and trapped later with
 * `RuntimeError: memory access out of bounds` (or `divide by zero`) in an unrelated kernel.
 * Idempotent; called by `installKernels('wasm')`.
 *
 * @example
 * ```ts
 * installWasmHeapGuard();
 * ```
 */
export function installWasmHeapGuard(): void {
  const m = wasmModule();
  if (m === null || guarded.has(m)) return;
  // emscripten's lazy export wrapper replaces itself with the raw export on first call.
  m._free(m._malloc(8));
  const malloc = m._malloc;
  m._malloc = (n: number): number => {
    const p = malloc(n);
    if (p === 0 && n > 0) {
      const heap = m.HEAPU8.buffer.byteLength;
      throw new OutOfMemoryError(
        'tfjs-backend-wasm',
        `cannot allocate a ${mib(n)} tensor: the heap is at ${mib(heap)} of the ${mib(WASM_HEAP_MAX_BYTES)} a wasm32 module can address; use a smaller batch (or the cpu backend)`,
      );
    }
    return p;
  };
  guarded.add(m);
}

/**
 * A WebAssembly trap (`RuntimeError: memory access out of bounds`, ...) raised while the wasm heap
 * is nearly full, as an {@link OutOfMemoryError} naming `where` and the heap size (an allocation
 * inside a kernel — XNNPACK's buffers — failed); any other error is returned unchanged.
 *
 * @example
 * ```ts
 * try { step(); } catch (e) { throw explainWasmTrap(e, 'backward'); }
 * ```
 */
export function explainWasmTrap(e: unknown, where: string): unknown {
  if (!(e instanceof Error) || e.name !== 'RuntimeError' || e instanceof OutOfMemoryError || getBackend() !== 'wasm') return e;
  const heap = wasmHeapBytes();
  if (heap === null || heap < 0.75 * WASM_HEAP_MAX_BYTES) return e;
  return new OutOfMemoryError(
    where,
    `tfjs-backend-wasm trapped (${e.message}) with its heap at ${mib(heap)} of the ${mib(WASM_HEAP_MAX_BYTES)} a wasm32 module can address: out of memory inside a kernel; use a smaller batch (or the cpu backend). The wasm backend may be unusable until the process restarts`,
    { cause: e },
  );
}
